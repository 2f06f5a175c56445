import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

const BIN_A = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x41]);
const BIN_B = Buffer.from([0xc3, 0xa9, 0x00, 0x20, 0x7f]);

describe('differential keyspace: generic commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p3: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p3 = await env.connect();
    await p3.both('HELLO', '3');
  });
  after(() => env.stop());
  beforeEach(async () => {
    await env.reset();
    await env.pair.same('SELECT', '0');
    await p3.same('SELECT', '0');
  });

  for (const resp of [2, 3]) {
    const P = (): Pair => (resp === 2 ? env.pair : p3);

    it(`DEL UNLINK EXISTS TOUCH TYPE (RESP${resp})`, async () => {
      const p = P();
      await p.same('MSET', 'a', '1', 'b', '2', 'c', '3');
      await p.same('EXISTS', 'a', 'a', 'x', 'b');
      await p.same('TOUCH', 'a', 'x', 'c', 'c');
      await p.same('TYPE', 'a');
      await p.same('TYPE', 'nokey');
      await p.same('DEL', 'a', 'x', 'a');
      await p.same('UNLINK', 'b', 'c', 'b');
      await p.same('DEL', 'nokey');
      await p.same('EXISTS', 'a', 'b', 'c');
      await p.same('DEL');
      await p.same('EXISTS');
      await p.same('TYPE');
      await p.same('TYPE', 'a', 'b');
    });

    it(`RENAME and RENAMENX (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', 'a', 'v1');
      await p.same('SET', 'b', 'v2');
      await p.same('RENAME', 'nokey', 'x');
      await p.same('RENAMENX', 'nokey', 'x');
      await p.same('RENAME', 'nokey', 'nokey');
      await p.same('RENAMENX', 'nokey', 'nokey');
      await p.same('RENAME', 'a', 'a');
      await p.same('RENAMENX', 'a', 'a');
      await p.same('RENAMENX', 'a', 'b');
      await p.same('EXPIRE', 'a', '1000');
      await p.same('RENAME', 'a', 'b');
      await p.same('GET', 'b');
      await p.same('TTL', 'b');
      await p.same('EXISTS', 'a');
      await p.same('RENAMENX', 'b', 'c');
      await p.same('TTL', 'c');
      await p.same('GET', 'c');
      await p.same('RENAME', 'c');
    });

    it(`COPY with DB and REPLACE (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', 'a', '123');
      await p.same('PEXPIREAT', 'a', '99999999999999');
      await p.same('COPY', 'a', 'a');
      await p.same('COPY', 'a', 'a', 'DB', '0');
      await p.same('COPY', 'a', 'b');
      await p.same('PEXPIRETIME', 'b');
      await p.same('COPY', 'a', 'b');
      await p.same('SET', 'a', 'other');
      await p.same('COPY', 'a', 'b', 'REPLACE');
      await p.same('GET', 'b');
      await p.same('TTL', 'b');
      await p.same('COPY', 'a', 'a', 'DB', '1');
      await p.same('COPY', 'a', 'a', 'DB', '1');
      await p.same('COPY', 'a', 'a', 'DB', '1', 'REPLACE', 'REPLACE');
      await p.same('COPY', 'nokey', 'z');
      await p.same('COPY', 'a', 'z', 'DB', '16');
      await p.same('COPY', 'a', 'z', 'DB', '-1');
      await p.same('COPY', 'a', 'z', 'DB', 'x');
      await p.same('COPY', 'a', 'z', 'DB', '99999999999');
      await p.same('COPY', 'a', 'z', 'DB');
      await p.same('COPY', 'a', 'z', 'FOO');
      await p.same('COPY', 'a', 'z', 'REPLACE', 'DB', '1', 'DB', '2');
      await p.same('SELECT', '2');
      await p.same('GET', 'z');
      await p.same('SELECT', '1');
      await p.same('GET', 'a');
      await p.same('SELECT', '0');
    });

    it(`MOVE (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', 'a', 'x');
      await p.same('EXPIRE', 'a', '500');
      await p.same('MOVE', 'a', '0');
      await p.same('MOVE', 'a', '16');
      await p.same('MOVE', 'a', '-1');
      await p.same('MOVE', 'a', 'x');
      await p.same('MOVE', 'a', '99999999999');
      await p.same('MOVE', 'nokey', '1');
      await p.same('MOVE', 'a', '1');
      await p.same('EXISTS', 'a');
      await p.same('SET', 'a', 'y');
      await p.same('MOVE', 'a', '1');
      await p.same('SELECT', '1');
      await p.same('GET', 'a');
      await p.same('TTL', 'a');
      await p.same('SELECT', '0');
      await p.same('GET', 'a');
    });

    it(`SWAPDB (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', 'k0', 'in0');
      await p.same('SELECT', '3');
      await p.same('SET', 'k3', 'in3');
      await p.same('EXPIRE', 'k3', '100');
      await p.same('SWAPDB', '0', '3');
      await p.same('KEYS', '*');
      await p.same('SELECT', '0');
      await p.same('KEYS', '*');
      await p.same('TTL', 'k3');
      await p.same('SWAPDB', '0', '0');
      await p.same('SWAPDB', 'a', '0');
      await p.same('SWAPDB', '0', 'a');
      await p.same('SWAPDB', 'a', 'b');
      await p.same('SWAPDB', '0', '16');
      await p.same('SWAPDB', '-1', '0');
      await p.same('SWAPDB', '99999999999', '0');
      await p.same('SWAPDB', '0', '99999999999');
      await p.same('SWAPDB', '0');
      await p.same('DBSIZE');
    });

    it(`RANDOMKEY (RESP${resp})`, async () => {
      const p = P();
      await p.same('RANDOMKEY');
      await p.same('SET', 'only', '1');
      await p.same('RANDOMKEY');
      await p.same('RANDOMKEY', 'x');
    });

    it(`OBJECT (RESP${resp})`, async () => {
      const p = P();
      const long = 'x'.repeat(44);
      for (const v of ['0', '1', '9999', '10000', '-1', '01', ' 1', '1.5', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '12345678901234567890', long, long + 'y', '']) {
        await p.same('SET', 'k', v);
        await p.same('OBJECT', 'ENCODING', 'k');
        await p.same('OBJECT', 'REFCOUNT', 'k');
      }
      await p.same('OBJECT', 'encoding', 'nokey');
      await p.same('OBJECT', 'REFCOUNT', 'nokey');
      await p.same('OBJECT', 'IDLETIME', 'nokey');
      await p.same('OBJECT', 'FREQ', 'nokey');
      await p.same('OBJECT', 'FREQ', 'k');
      await p.same('OBJECT', 'HELP');
      await p.same('OBJECT', 'help', 'x');
      await p.same('OBJECT', 'FOO', 'k');
      await p.same('OBJECT');
      await p.same('OBJECT', 'ENCODING');
      await p.same('OBJECT', 'ENCODING', 'k', 'x');
      const [, idle] = await p.both('OBJECT', 'IDLETIME', 'k');
      if (!/^:\d+\r\n$/.test(idle)) throw new Error(`IDLETIME reply ${idle}`);
    });

    it(`RENAME, COPY and MOVE keep the string encoding (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', 'n', '5');
      await p.same('APPEND', 'r', '12');
      await p.same('APPEND', 'r', '3');
      await p.same('INCRBYFLOAT', 'f', '1');
      for (const k of ['n', 'r', 'f']) {
        await p.same('COPY', k, `${k}2`);
        await p.same('OBJECT', 'ENCODING', `${k}2`);
        await p.same('RENAME', `${k}2`, `${k}3`);
        await p.same('OBJECT', 'ENCODING', `${k}3`);
        await p.same('MOVE', `${k}3`, '4');
        await p.same('COPY', k, `${k}4`, 'DB', '5');
        await p.same('OBJECT', 'ENCODING', k);
        await p.same('OBJECT', 'REFCOUNT', k);
      }
      await p.same('SELECT', '4');
      for (const k of ['n3', 'r3', 'f3']) await p.same('OBJECT', 'ENCODING', k);
      await p.same('SELECT', '5');
      for (const k of ['n4', 'r4', 'f4']) await p.same('OBJECT', 'ENCODING', k);
      await p.same('SELECT', '0');
    });

    it(`binary keys (RESP${resp})`, async () => {
      const p = P();
      await p.same('SET', BIN_A, BIN_B);
      await p.same('EXISTS', BIN_A);
      await p.same('KEYS', '*');
      await p.same('KEYS', BIN_A);
      await p.same('EXPIRE', BIN_A, '100');
      await p.same('TTL', BIN_A);
      await p.same('RENAME', BIN_A, BIN_B);
      await p.same('COPY', BIN_B, BIN_A);
      await p.same('TYPE', BIN_A);
      await p.same('MOVE', BIN_A, '5');
      await p.sameUnordered('KEYS', '*');
      await p.same('RANDOMKEY');
      await p.same('SCAN', '0', 'COUNT', '100');
      await p.same('DEL', BIN_A, BIN_B);
    });
  }

  it('keyspace_hits and keyspace_misses count the same lookups as Redis', async () => {
    const p = env.pair;
    const stats = env.server.server.stats;
    const oracleStats = async (): Promise<[number, number]> => {
      const info = await p.redis.call('INFO', 'stats');
      return [Number(/keyspace_hits:(\d+)/.exec(info)![1]), Number(/keyspace_misses:(\d+)/.exec(info)![1])];
    };
    await p.same('SET', 'a', '1');
    const [h0, m0] = await oracleStats();
    const [oh0, om0] = [stats.keyspaceHits, stats.keyspaceMisses];
    const cmds = [
      ['OBJECT', 'ENCODING', 'a'], ['OBJECT', 'REFCOUNT', 'zz'], ['TTL', 'a'], ['PTTL', 'zz'], ['EXPIRETIME', 'a'], ['TYPE', 'a'],
      ['EXISTS', 'a', 'zz', 'a'], ['TOUCH', 'a', 'zz'], ['RENAME', 'a', 'b'], ['COPY', 'b', 'c'], ['COPY', 'zz', 'c'],
      ['MOVE', 'b', '3'], ['PERSIST', 'c'], ['EXPIRE', 'c', '100'], ['RANDOMKEY'], ['KEYS', '*'], ['SCAN', '0'],
      ['SCAN', '0', 'TYPE', 'string'], ['DEL', 'c', 'zz'], ['RENAMENX', 'zz', 'y'],
    ];
    for (const cmd of cmds) await p.same(...cmd);
    const [h1, m1] = await oracleStats();
    assert.deepEqual([stats.keyspaceHits - oh0, stats.keyspaceMisses - om0], [h1 - h0, m1 - m0]);
  });

  it('OBJECT FREQ and IDLETIME under an LFU policy', async (t) => {
    const p = env.pair;
    await p.same('SET', 'k', '5');
    try {
      for (const policy of ['allkeys-lfu', 'volatile-lfu']) {
        const [, ours] = await p.both('CONFIG', 'SET', 'maxmemory-policy', policy);
        if (ours !== '+OK\r\n') {
          t.skip('CONFIG SET maxmemory-policy not supported by respite yet');
          return;
        }
        await p.same('OBJECT', 'IDLETIME', 'k');
        await p.same('OBJECT', 'FREQ', 'nokey');
        const [, freq] = await p.both('OBJECT', 'FREQ', 'k');
        if (!/^:\d+\r\n$/.test(freq)) throw new Error(`FREQ reply ${freq}`);
      }
    } finally {
      await p.both('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });
});
