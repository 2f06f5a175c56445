/**
 * Differential: double replies (RESP2 bulk and RESP3 `,`) must print exactly as
 * Redis's %.17g does. Scores go in through ZADD and come back through ZSCORE,
 * so the formatter is checked against the oracle's own printf.
 */
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

const VALUES = [
  '0.1', '0.2', '0.3', '1e-5', '1e-4', '0.0001234', '1', '-1', '100', '1.5', '-2.5', '3.14159265358979', '1e15', '1e16', '1e17',
  '123456789012345678', '1e21', '1e100', '-1e-300', '5e-324', '1.7976931348623157e308', '2.2250738585072014e-308', '0', '-0',
  '9007199254740993', '0.30000000000000004', '12345.678', 'inf', '-inf', '+inf', '1E5', '0x10', ' 1', '1.', '.5', 'nan',
];

describe('differential double formatting (ZSCORE)', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('RESP2 and RESP3 replies for a list of scores', async () => {
    const p = await env.connect();
    for (const proto of ['2', '3']) {
      await p.both('HELLO', proto);
      for (const v of VALUES) {
        await p.same('DEL', 'z');
        await p.same('ZADD', 'z', v, 'm');
        await p.same('ZSCORE', 'z', 'm');
        await p.same('ZINCRBY', 'z', '0.1', 'm');
      }
    }
    p.close();
  });
});
