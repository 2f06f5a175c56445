/**
 * Differential protocol abuse: the same raw bytes go to redis-server 7.0 and
 * to respite; what each sends back and whether it closes the connection must
 * match. After every abusive client, a fresh connection must still be served.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand, type RawClient } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  out: string;
  closed: boolean;
}

/** Waits until the client is closed or quiet for `quietMs`; returns what arrived. */
async function settle(c: RawClient, quietMs: number, maxMs = 5000): Promise<Outcome> {
  const deadline = Date.now() + maxMs;
  let last = c.pending().length;
  let lastChange = Date.now();
  while (!c.closed && Date.now() < deadline) {
    await sleep(20);
    const n = c.pending().length;
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= quietMs) break;
  }
  return { out: c.pending(), closed: c.closed };
}

/**
 * Opens a new pair, writes `chunks` to both (pausing `gapMs` between chunks),
 * then compares output and close state. Returns redis's outcome.
 */
async function abuse(env: DiffEnv, chunks: (string | Buffer)[], gapMs = 0, quietMs = 300): Promise<Outcome> {
  const p = await env.connect();
  for (const c of chunks) {
    p.writeRaw(c);
    if (gapMs > 0) await sleep(gapMs);
  }
  let [r, s] = await Promise.all([settle(p.redis, quietMs), settle(p.respite, quietMs)]);
  if (r.out !== s.out || r.closed !== s.closed) {
    // A loaded machine can be slower than the quiet period: look again, longer, before failing.
    [r, s] = await Promise.all([settle(p.redis, 1500), settle(p.respite, 1500)]);
  }
  p.close();
  assert.equal(s.out, r.out, `output differs for ${JSON.stringify(chunks.map(String).join('').slice(0, 120))}`);
  assert.equal(s.closed, r.closed, `close state differs (redis closed=${r.closed}) for ${JSON.stringify(chunks.map(String).join('').slice(0, 120))}`);
  return r;
}

/** Another connection is served normally. */
async function stillServing(env: DiffEnv): Promise<void> {
  const p = await env.connect();
  await p.same('PING');
  await p.same('SET', 'alive', '1');
  await p.same('GET', 'alive');
  p.close();
}

describe('differential protocol abuse', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  const closing: [string, string | Buffer][] = [
    ['*abc', '*abc\r\n'],
    ['*1x', '*1x\r\n'],
    ['* with empty count', '*\r\n'],
    ['*+1', '*+1\r\n$4\r\nPING\r\n'],
    ['* over INT_MAX', '*2147483648\r\n'],
    ['integer instead of bulk', '*3\r\n$3\r\nSET\r\n:1\r\n$1\r\nv\r\n'],
    ['inline word inside multibulk', '*1\r\nPING\r\n'],
    ['negative bulk length', '*1\r\n$-1\r\n'],
    ['$-5', '*2\r\n$4\r\nECHO\r\n$-5\r\n'],
    ['non-numeric bulk length', '*1\r\n$abc\r\n'],
    ['bulk length 2^31', '*2\r\n$4\r\nECHO\r\n$2147483648\r\n'],
    ['bulk length > proto-max-bulk-len', '*2\r\n$4\r\nECHO\r\n$536870913\r\n'],
    ['bulk length 2^63', '*2\r\n$4\r\nECHO\r\n$9223372036854775808\r\n'],
    ['unbalanced double quote', 'SET "abc def\r\n'],
    ['unbalanced single quote', "ECHO 'abc\r\n"],
    ['closing quote followed by a char', 'ECHO "abc"d\r\n'],
    ['commands before the bad one still run', 'PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n'],
  ];
  for (const [name, data] of closing) {
    it(`${name}: same error, same close`, async () => {
      const r = await abuse(env, [data]);
      assert.ok(r.out.includes('-ERR Protocol error'), `redis replied ${JSON.stringify(r.out)}`);
      assert.ok(r.closed);
      await stillServing(env);
    });
  }

  it('too big inline request (64KB+ without newline)', async () => {
    const r = await abuse(env, ['A'.repeat(70 * 1024)]);
    assert.ok(r.closed);
    await stillServing(env);
  });

  it('too big multibulk count / bulk count strings', async () => {
    await abuse(env, ['*' + '1'.repeat(70 * 1024)]);
    await abuse(env, ['*1\r\n$' + '1'.repeat(70 * 1024)]);
    await stillServing(env);
  });

  it('garbage bytes', async () => {
    const garbage = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 131 + 7) % 256));
    await abuse(env, [garbage, '\r\n']);
    await abuse(env, ['\x00\x01\x02\xff\xfe\r\n']);
    await abuse(env, ['$5\r\nhellx\r\n']);
    await abuse(env, [':1\r\n+OK\r\n-ERR x\r\n']);
    await stillServing(env);
  });

  it('a NUL byte in an inline line: Redis waits for a newline it never sees', async () => {
    await abuse(env, ['ab\x00cd\r\nPING\r\n']);
    await abuse(env, ['PING\r\nab\x00cd\r\nPING\r\n']);
    await abuse(env, ['x\x00\r\n', 'PING\r\n'.repeat(12000)]);
    await stillServing(env);
  });

  it('empty multibulks and blank inline lines are ignored', async () => {
    const r = await abuse(env, ['*0\r\n*-1\r\n*-10\r\n\r\n\n   \r\n\t\r\nPING\r\n']);
    assert.equal(r.out, '+PONG\r\n');
    assert.ok(!r.closed);
  });

  it('inline commands with quotes and escapes', async () => {
    const r = await abuse(env, [
      'ECHO "a b\\x41\\n\\t\\"q\\\\"\r\nECHO \'it\\\'s\'\r\nECHO ""\r\nECHO \'\'\r\nECHO "\\q\\xZZ"\r\nSET k "v v"\r\nGET k\r\nECHO ab"c d"\r\nPING\n',
    ]);
    assert.ok(r.out.endsWith('+PONG\r\n'));
  });

  it('inline unknown command and arity errors', async () => {
    await abuse(env, ['NOSUCH a b\r\nGET\r\nECHO\r\nPING a b\r\n']);
  });

  it('bytes after a bulk payload are skipped, not checked', async () => {
    await abuse(env, ['*2\r\n$4\r\nECHO\r\n$1\r\nxAB*1\r\n$4\r\nPING\r\n']);
  });

  it('half-sent commands completed by later writes', async () => {
    const cmd = '*3\r\n$3\r\nSET\r\n$5\r\nhalf1\r\n$10\r\n0123456789\r\n*2\r\n$3\r\nGET\r\n$5\r\nhalf1\r\nPI';
    const parts = [cmd.slice(0, 3), cmd.slice(3, 17), cmd.slice(17, 30), cmd.slice(30, 45), cmd.slice(45), 'NG\r\n'];
    const r = await abuse(env, parts, 60);
    assert.equal(r.out, '+OK\r\n$10\r\n0123456789\r\n+PONG\r\n');
  });

  it('a command split at every byte with pauses', async () => {
    const cmd = '*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n';
    await abuse(env, [...cmd], 5);
  });

  it('a 10k-command pipeline in one write', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 5000; i++) parts.push(encodeCommand(['SET', `pipe:${i}`, `value-${i}`]));
    for (let i = 0; i < 5000; i++) parts.push(encodeCommand(['GET', `pipe:${i * 7 % 5003}`]));
    const data = Buffer.concat(parts);
    const p = await env.connect();
    p.writeRaw(data);
    const read = async (c: RawClient): Promise<string> => {
      const out: string[] = [];
      for (let i = 0; i < 10000; i++) out.push(await c.readRaw());
      return out.join('');
    };
    const [a, b] = await Promise.all([read(p.redis), read(p.respite)]);
    assert.equal(b.length, a.length);
    assert.ok(b === a, 'pipeline replies differ');
    p.close();
  });

  it('a 10k inline pipeline in one write', async () => {
    let s = '';
    for (let i = 0; i < 10000; i++) s += i % 2 === 0 ? `SET inl:${i} ${i}\r\n` : `GET inl:${i - 1}\n`;
    const p = await env.connect();
    p.writeRaw(s);
    const read = async (c: RawClient): Promise<string> => {
      const out: string[] = [];
      for (let i = 0; i < 10000; i++) out.push(await c.readRaw());
      return out.join('');
    };
    const [a, b] = await Promise.all([read(p.redis), read(p.respite)]);
    assert.ok(b === a, 'inline pipeline replies differ');
    p.close();
  });

  it('a multi-megabyte value split over many writes', async () => {
    const size = 6 * 1024 * 1024 + 3;
    const value = Buffer.alloc(size);
    for (let i = 0; i < size; i++) value[i] = (i * 7 + (i >> 10)) & 0xff;
    const msg = Buffer.concat([encodeCommand(['SET', 'bigval', value]), encodeCommand(['STRLEN', 'bigval']), encodeCommand(['GET', 'bigval'])]);
    const p: Pair = await env.connect();
    for (let i = 0; i < msg.length; i += 100_000) {
      p.writeRaw(msg.subarray(i, i + 100_000));
      if (i % 1_000_000 === 0) await sleep(1);
    }
    const [ra, rb] = await Promise.all([p.redis.readRaw(10000), p.respite.readRaw(10000)]);
    assert.equal(rb, ra);
    const [sa, sb] = await Promise.all([p.redis.readRaw(10000), p.respite.readRaw(10000)]);
    assert.equal(sb, sa); // STRLEN (or the same unknown-command error)
    const [ga, gb] = await Promise.all([p.redis.readRaw(10000), p.respite.readRaw(10000)]);
    const h = (s: string): string => createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex');
    assert.equal(gb.length, ga.length);
    assert.equal(h(gb), h(ga));
    assert.ok(ga.startsWith(`$${size}\r\n`));
    p.close();
    await env.pair.same('DEL', 'bigval');
  });

  it('a bulk length line split from its payload by a long pause', async () => {
    await abuse(env, ['*2\r\n$4\r\nECHO\r\n$40000\r\n', 'x'.repeat(20000), 'y'.repeat(20000), '\r\nPING\r\n'], 150);
  });

  it('QUIT replies +OK and closes; later commands in the same write are not run', async () => {
    const r = await abuse(env, ['PING\r\nQUIT\r\nSET afterquit 1\r\n']);
    assert.ok(r.closed);
    await env.pair.same('EXISTS', 'afterquit');
    await env.pair.same('GET', 'afterquit');
  });
});

describe('differential protocol abuse with requirepass', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ requirepass: 'sekret' });
  });
  after(() => env.stop());

  it('unauthenticated big multibulk count is a protocol error', async () => {
    const r = await abuse(env, ['*11\r\n']);
    assert.ok(r.out.includes('unauthenticated multibulk length'));
    assert.ok(r.closed);
  });

  it('unauthenticated big bulk length is a protocol error', async () => {
    const r = await abuse(env, ['*2\r\n$4\r\nECHO\r\n$16385\r\n']);
    assert.ok(r.out.includes('unauthenticated bulk length'));
    assert.ok(r.closed);
  });

  it('unauthenticated limits stop applying after AUTH', async () => {
    const args = Array.from({ length: 11 }, (_, i) => `a${i}`);
    await abuse(env, [encodeCommand(['AUTH', 'sekret']), encodeCommand(['ECHO', 'x'.repeat(20000)]), encodeCommand(['DEL', ...args])]);
  });

  it('NOAUTH, wrong password, then success', async () => {
    const p = await env.connect();
    await p.same('GET', 'k');
    await p.same('PING');
    await p.same('AUTH', 'nope');
    await p.same('AUTH', 'default', 'nope');
    await p.same('AUTH', 'a', 'b', 'c');
    await p.same('AUTH', 'sekret');
    await p.same('PING');
    await p.same('GET', 'k');
    p.close();
  });

  it('the server keeps serving', async () => {
    const p = await env.connect();
    await p.same('AUTH', 'sekret');
    await p.same('SET', 'k', 'v');
    await p.same('GET', 'k');
    p.close();
  });
});

describe('differential query buffer limit', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'client-query-buffer-limit': '1mb' });
  });
  after(() => env.stop());

  it('an inline-ish stream never reaching a newline is cut at 64KB first', async () => {
    await abuse(env, ['X'.repeat(200 * 1024)]);
  });

  it('a bulk argument larger than the limit, sent in pieces, closes the client without a reply', async () => {
    const p = await env.connect();
    p.writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n');
    for (let i = 0; i < 15; i++) {
      p.writeRaw('x'.repeat(100000));
      await sleep(10);
    }
    const [r, s] = await Promise.all([settle(p.redis, 400), settle(p.respite, 400)]);
    assert.ok(r.closed);
    assert.equal(s.closed, r.closed);
    assert.equal(s.out, r.out);
    p.close();
    await stillServing(env);
  });

  it('many small arguments of one huge command do not count (Redis keeps the query buffer trimmed)', async () => {
    // Many small complete args of one huge command accumulate in the query buffer.
    const head = '*100000\r\n$3\r\nDEL\r\n';
    const arg = '$100\r\n' + 'k'.repeat(100) + '\r\n';
    const chunks = [head, ...Array.from({ length: 15 }, () => arg.repeat(1000))];
    const p = await env.connect();
    for (const c of chunks) {
      p.writeRaw(c);
      await sleep(10);
    }
    const [r, s] = await Promise.all([settle(p.redis, 400), settle(p.respite, 400)]);
    assert.equal(s.closed, r.closed, `redis closed=${r.closed} respite closed=${s.closed}`);
    assert.equal(s.out, r.out);
    p.close();
    await stillServing(env);
  });
});
