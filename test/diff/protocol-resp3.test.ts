/**
 * Differential: protocol switching (HELLO 2/3, RESET) including in the middle
 * of a pipelined write, and QUIT with arguments. Client ids differ between the
 * servers, so HELLO replies are compared with the id value masked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand, type RawClient } from '../support/raw-client.js';

const maskId = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');

async function sameMasked(p: Pair, ...args: string[]): Promise<string> {
  const [a, b] = await p.both(...args);
  assert.equal(maskId(b), maskId(a), `reply mismatch for ${args.join(' ')}`);
  return a;
}

async function readN(c: RawClient, n: number): Promise<string> {
  let out = '';
  for (let i = 0; i < n; i++) out += await c.readRaw();
  return out;
}

describe('differential protocol switching', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('HELLO variants', async () => {
    const p = await env.connect();
    await sameMasked(p, 'HELLO');
    await sameMasked(p, 'HELLO', '3');
    await sameMasked(p, 'HELLO', '2');
    await p.same('HELLO', '1');
    await p.same('HELLO', '4');
    await p.same('HELLO', '-1');
    await p.same('HELLO', 'x');
    await sameMasked(p, 'HELLO', '3', 'AUTH', 'default');
    await sameMasked(p, 'HELLO', '3', 'AUTH', 'default', 'wrong');
    await p.same('HELLO', '3', 'BADOPT');
    await sameMasked(p, 'HELLO', '3', 'SETNAME', 'conn1');
    await p.same('CLIENT', 'GETNAME');
    p.close();
  });

  it('RESP3 nulls, RESET back to RESP2', async () => {
    const p = await env.connect();
    await sameMasked(p, 'HELLO', '3');
    await p.same('GET', 'missing');
    await p.same('SET', 'k', 'v', 'GET');
    await p.same('SET', 'k', 'v', 'NX', 'GET');
    await p.same('RESET');
    await p.same('GET', 'missing');
    await p.same('SELECT', '3');
    await p.same('RESET');
    await p.same('DBSIZE');
    p.close();
  });

  it('HELLO in the middle of one pipelined write switches the replies after it', async () => {
    const p = await env.connect();
    const batch = Buffer.concat([
      encodeCommand(['GET', 'nothing']),
      encodeCommand(['HELLO', '3']),
      encodeCommand(['GET', 'nothing']),
      encodeCommand(['HELLO', '2']),
      encodeCommand(['GET', 'nothing']),
    ]);
    p.writeRaw(batch);
    const [a, b] = await Promise.all([readN(p.redis, 5), readN(p.respite, 5)]);
    assert.equal(maskId(b), maskId(a));
    p.close();
  });

  it('QUIT with arguments replies +OK and closes (Redis does not check its arity)', async () => {
    const p = await env.connect();
    const [a, b] = await p.both('QUIT', 'extra', 'args');
    assert.equal(b, a);
    const [ca, cb] = await Promise.all([p.redis.waitClosed(), p.respite.waitClosed()]);
    assert.ok(ca && cb);
  });

  it('inline HELLO 3 then inline GET', async () => {
    const p = await env.connect();
    p.writeRaw('HELLO 3\r\nGET nothing\r\nPING\r\n');
    const [a, b] = await Promise.all([readN(p.redis, 3), readN(p.respite, 3)]);
    assert.equal(maskId(b), maskId(a));
    p.close();
  });
});
