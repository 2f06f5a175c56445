import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

describe('differential smoke: connection and basic strings', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('PING, ECHO and errors for unknown commands and arity', async () => {
    const p = env.pair;
    await p.same('PING');
    await p.same('PING', 'hello');
    await p.same('ECHO', 'x\r\ny');
    await p.same('ECHO');
    await p.same('NOSUCH', 'a', 'b\r\n');
  });

  it('SET and GET with options', async () => {
    const p = env.pair;
    await p.same('SET', 'k', 'v');
    await p.same('GET', 'k');
    await p.same('SET', 'k', 'w', 'NX');
    await p.same('SET', 'k', 'w', 'XX', 'GET');
    await p.same('SET', 'k', 'w', 'NX', 'XX');
    await p.same('SET', 'k', 'w', 'EX', '0');
    await p.same('SET', 'k', 'w', 'EX', '10', 'PX', '100');
    await p.same('SET', 'k', 'w', 'EX', 'abc');
    await p.same('GET', 'missing');
  });

  it('RESP3 via HELLO', async () => {
    const p = await env.connect();
    await p.bothError('HELLO', '4');
    await p.same('HELLO', 'abc');
    await p.same('GET', 'missing');
    await p.same('HELLO', '3', 'SETNAME', 'bad name');
  });
});
