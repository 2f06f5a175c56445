import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** The text of a bulk or verbatim reply. */
function text(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n') + 2, raw.length - 2);
  return raw.startsWith('=') ? body.slice(4) : body;
}

/** CLIENT LIST / INFO lines as field maps. */
function lines(raw: string): Array<Map<string, string>> {
  return text(raw)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => new Map(l.split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as [string, string])));
}

const DETERMINISTIC = ['name', 'db', 'cmd', 'resp', 'flags', 'sub', 'psub', 'ssub', 'multi', 'user', 'redir'];

/** Same field names in the same order, same deterministic values; ids compared relative to the caller's. */
function sameLines(a: Array<Map<string, string>>, b: Array<Map<string, string>>, idA = 0, idB = 0): void {
  assert.equal(b.length, a.length, 'number of clients');
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual([...b[i].keys()], [...a[i].keys()]);
    for (const f of DETERMINISTIC) assert.equal(b[i].get(f), a[i].get(f), `field ${f}`);
    assert.equal(Number(b[i].get('id')) - idB, Number(a[i].get('id')) - idA, 'relative id');
  }
}

async function ids(p: Pair): Promise<[number, number]> {
  const [a, b] = await p.both('CLIENT', 'ID');
  return [Number(a.slice(1, -2)), Number(b.slice(1, -2))];
}

describe('CLIENT', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('ID, SETNAME, GETNAME and errors', async () => {
    const p = await env.connect();
    await p.same('CLIENT', 'GETNAME');
    await p.same('CLIENT', 'SETNAME', 'conn-1');
    await p.same('CLIENT', 'GETNAME');
    await p.same('CLIENT', 'SETNAME', 'a b');
    await p.same('CLIENT', 'SETNAME', 'é');
    await p.same('CLIENT', 'SETNAME', '');
    await p.same('CLIENT', 'GETNAME');
    await p.same('CLIENT', 'ID', 'x');
    await p.same('CLIENT', 'SETNAME', 'a', 'b');
    await p.same('CLIENT', 'NOSUCH');
    await p.same('CLIENT');
    await p.same('CLIENT', 'HELP');
    await p.same('CLIENT', 'HELP', 'x');
  });

  it('LIST and INFO: field names and deterministic values, RESP2 and RESP3', async () => {
    const p1 = await env.connect();
    const p2 = await env.connect();
    const [a1, b1] = await ids(p1);
    await p2.same('CLIENT', 'SETNAME', 'second');
    await p2.same('SELECT', '5');
    await p2.both('HELLO', '3');
    const [a2, b2] = await ids(p2);
    const [a, b] = await Promise.all([
      p1.redis.call('CLIENT', 'LIST', 'ID', String(a1), String(a2)),
      p1.respite.call('CLIENT', 'LIST', 'ID', String(b1), String(b2)),
    ]);
    sameLines(lines(a), lines(b.replace(/id=(\d+)/g, (_m, d) => `id=${Number(d) === b1 ? a1 : a2}`)));
    const [ia, ib] = await p2.both('CLIENT', 'INFO');
    assert.ok(ib.startsWith('=') && ia.startsWith('='));
    sameLines(lines(ia), lines(ib), a1, b1);
    const [la, lb] = await p2.both('CLIENT', 'LIST', 'TYPE', 'normal');
    assert.ok(lb.startsWith('='));
    assert.equal(lines(lb).length, env.server.server.clients.size);
    assert.ok(lines(la).length >= 1);
    await p1.same('CLIENT', 'LIST', 'TYPE', 'pubsub');
    await p1.same('CLIENT', 'LIST', 'TYPE', 'master');
    await p1.same('CLIENT', 'LIST', 'TYPE', 'replica');
    await p1.same('CLIENT', 'LIST', 'TYPE', 'slave');
    await p1.same('CLIENT', 'LIST', 'TYPE', 'foo');
    await p1.same('CLIENT', 'LIST', 'TYPE');
    await p1.same('CLIENT', 'LIST', 'TYPE', 'normal', 'x');
    await p1.same('CLIENT', 'LIST', 'ID');
    await p1.same('CLIENT', 'LIST', 'ID', 'x');
    await p1.same('CLIENT', 'LIST', 'ID', '0');
    await p1.same('CLIENT', 'LIST', 'ID', '999999');
    await p1.same('CLIENT', 'LIST', 'foo');
    await p1.same('CLIENT', 'INFO', 'x');
  });

  it('flags in LIST: multi, no-evict', async () => {
    const p = await env.connect();
    await p.same('CLIENT', 'NO-EVICT', 'on');
    sameLines(lines((await p.both('CLIENT', 'INFO'))[0]), lines((await p.both('CLIENT', 'INFO'))[1]), ...(await ids(p)));
    await p.same('CLIENT', 'NO-EVICT', 'off');
    await p.same('CLIENT', 'NO-EVICT', 'maybe');
    const q = await env.connect();
    const [qa, qb] = await ids(q);
    const multi = await q.both('MULTI');
    if (multi[0] === multi[1]) {
      await q.same('SET', 'k', 'v');
      const [a, b] = await p.both('CLIENT', 'LIST', 'ID', String(qa));
      const [, b2] = await p.both('CLIENT', 'LIST', 'ID', String(qb));
      sameLines(lines(a), lines(b2), qa, qb);
      assert.ok(b !== undefined);
      await q.same('DISCARD');
    }
  });

  it('pub/sub clients: TYPE pubsub, sub/psub/ssub counts, P flag, KILL TYPE pubsub', async () => {
    const p = await env.connect();
    const sub = await env.connect();
    const [sa, sb] = await ids(sub);
    await sub.same('SUBSCRIBE', 'a', 'b');
    await sub.same('PSUBSCRIBE', 'x*');
    const [a, b] = await Promise.all([p.redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'), p.respite.call('CLIENT', 'LIST', 'TYPE', 'pubsub')]);
    sameLines(lines(a), lines(b), sa, sb);
    const [ia, ib] = await p.both('INFO', 'stats');
    const field = (raw: string, f: string) => new RegExp(`${f}:(\\d+)`).exec(raw)?.[1];
    for (const f of ['pubsub_channels', 'pubsub_patterns', 'pubsubshard_channels']) assert.equal(field(ib, f), field(ia, f), f);
    await p.same('CLIENT', 'KILL', 'TYPE', 'pubsub');
    assert.ok(await sub.respite.waitClosed());
  });

  it('KILL: old form, filters, errors, SKIPME', async () => {
    const p = await env.connect();
    const victim = await env.connect();
    const [va, vb] = await ids(victim);
    await p.same('CLIENT', 'KILL');
    await p.same('CLIENT', 'KILL', '1.2.3.4:5');
    await p.same('CLIENT', 'KILL', 'addr');
    await p.same('CLIENT', 'KILL', 'ID', 'x');
    await p.same('CLIENT', 'KILL', 'ID', '0');
    await p.same('CLIENT', 'KILL', 'ID', '-1');
    await p.same('CLIENT', 'KILL', 'ID', '999999');
    await p.same('CLIENT', 'KILL', 'foo', 'bar');
    await p.same('CLIENT', 'KILL', 'TYPE', 'foo');
    await p.same('CLIENT', 'KILL', 'TYPE', 'master');
    await p.same('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await p.same('CLIENT', 'KILL', 'SKIPME', 'x');
    await p.same('CLIENT', 'KILL', 'MAXAGE', '10');
    await p.same('CLIENT', 'KILL', 'USER', 'nosuch');
    await p.same('CLIENT', 'KILL', 'LADDR', '1.2.3.4:5');
    await p.same('CLIENT', 'KILL', 'ID', '1', 'SKIPME');
    await p.same('CLIENT', 'KILL', 'a', 'b', 'c');
    // Kill the victim by id on both servers.
    const [ka, kb] = await Promise.all([p.redis.call('CLIENT', 'KILL', 'ID', String(va)), p.respite.call('CLIENT', 'KILL', 'ID', String(vb))]);
    assert.equal(kb, ka);
    assert.equal(kb, ':1\r\n');
    assert.ok(await victim.respite.waitClosed());
    assert.ok(await victim.redis.waitClosed());
    // SKIPME yes (default) never kills the caller; SKIPME no does, after the reply.
    const self = await env.connect();
    const [sa, sb] = await ids(self);
    await Promise.all([self.redis.call('CLIENT', 'KILL', 'ID', String(sa)), self.respite.call('CLIENT', 'KILL', 'ID', String(sb))]).then(([a, b]) => assert.equal(b, a));
    const [a, b] = await Promise.all([self.redis.call('CLIENT', 'KILL', 'ID', String(sa), 'SKIPME', 'no'), self.respite.call('CLIENT', 'KILL', 'ID', String(sb), 'SKIPME', 'no')]);
    assert.equal(b, a);
    assert.ok(await self.respite.waitClosed());
  });

  it('KILL by address (old form replies OK)', async () => {
    const p = await env.connect();
    const victim = await env.connect();
    const addrOf = (raw: string) => lines(raw)[0].get('addr')!;
    const [ia, ib] = await victim.both('CLIENT', 'INFO');
    const [a, b] = await Promise.all([p.redis.call('CLIENT', 'KILL', addrOf(ia)), p.respite.call('CLIENT', 'KILL', addrOf(ib))]);
    assert.equal(b, a);
    assert.equal(b, '+OK\r\n');
    assert.ok(await victim.respite.waitClosed());
  });

  it('REPLY OFF/SKIP/ON', async () => {
    const p = await env.connect();
    await p.same('CLIENT', 'REPLY', 'foo');
    p.writeRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n');
    await p.readSame();
    p.writeRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n*2\r\n$4\r\nECHO\r\n$1\r\nd\r\n');
    await p.readSame();
    await p.same('PING');
  });

  it('PAUSE/UNPAUSE errors', async () => {
    const p = await env.connect();
    await p.same('CLIENT', 'PAUSE');
    await p.same('CLIENT', 'PAUSE', 'x');
    await p.same('CLIENT', 'PAUSE', '-1');
    await p.same('CLIENT', 'PAUSE', '10', 'foo');
    await p.same('CLIENT', 'PAUSE', '10', 'write', 'x');
    await p.same('CLIENT', 'UNPAUSE', 'x');
    await p.same('CLIENT', 'UNPAUSE');
  });

  it('PAUSE WRITE holds writes but not reads; UNPAUSE releases them in order', async () => {
    const ctl = await env.connect();
    const other = await env.connect();
    await ctl.same('SET', 'k', '1');
    await ctl.same('CLIENT', 'PAUSE', '5000', 'WRITE');
    await other.same('GET', 'k');
    const held = other.both('INCR', 'k');
    const after = other.both('GET', 'k');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(other.respite.pending(), '');
    assert.equal(other.redis.pending(), '');
    await ctl.same('GET', 'k');
    // The held client shows as blocked, its command already looked up.
    const [la, lb] = await ctl.both('CLIENT', 'LIST');
    const waiting = (raw: string) => lines(raw).filter((l) => l.get('cmd') === 'incr').map((l) => [l.get('flags'), l.get('cmd'), l.get('multi')]);
    assert.deepEqual(waiting(lb), waiting(la));
    assert.equal(waiting(lb).length, 1);
    await ctl.same('CLIENT', 'UNPAUSE');
    const [a, b] = await held;
    assert.equal(b, a);
    assert.equal(b, ':2\r\n');
    const [a2, b2] = await after;
    assert.equal(b2, a2);
  });

  it('PAUSE WRITE inside MULTI: queued writes and EXEC wait', async () => {
    const ctl = await env.connect();
    const other = await env.connect();
    await other.same('MULTI');
    await other.same('GET', 'k');
    await ctl.same('CLIENT', 'PAUSE', '5000', 'WRITE');
    const queued = other.both('SET', 'k', 'v');
    const exec = other.both('EXEC');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(other.respite.pending(), other.redis.pending());
    await ctl.same('GET', 'k');
    await ctl.same('CLIENT', 'UNPAUSE');
    const [a, b] = await queued;
    assert.equal(b, a);
    const [ea, eb] = await exec;
    assert.equal(eb, ea);
    await ctl.same('GET', 'k');
  });

  it('PAUSE ALL holds every command until it times out', async () => {
    const ctl = await env.connect();
    const other = await env.connect();
    await ctl.same('CLIENT', 'PAUSE', '300');
    const t0 = Date.now();
    const [a, b] = await other.both('PING');
    assert.equal(b, a);
    assert.ok(Date.now() - t0 >= 250, `PING came back after ${Date.now() - t0} ms`);
    await ctl.same('PING');
  });

  it('UNBLOCK errors and unknown ids', async () => {
    const p = await env.connect();
    await p.same('CLIENT', 'UNBLOCK', 'x');
    await p.same('CLIENT', 'UNBLOCK', '1', 'foo');
    await p.same('CLIENT', 'UNBLOCK', '999999');
    await p.same('CLIENT', 'UNBLOCK', '999999', 'timeout');
    await p.same('CLIENT', 'UNBLOCK', '999999', 'ERROR');
    await p.same('CLIENT', 'UNBLOCK', '0');
    await p.same('CLIENT', 'UNBLOCK', '-5');
    await p.same('CLIENT', 'UNBLOCK', '1', '2', '3');
  });

  it('UNBLOCK a client blocked in BLPOP (TIMEOUT and ERROR)', async () => {
    if (!env.server.server.commands.commands.has('blpop')) return;
    const p = await env.connect();
    const blocked = await env.connect();
    const [ba, bb] = await ids(blocked);
    for (const reason of ['TIMEOUT', 'ERROR']) {
      const waiting = blocked.both('BLPOP', 'nokey', '0');
      await new Promise((r) => setTimeout(r, 50));
      const [a, b] = await Promise.all([p.redis.call('CLIENT', 'UNBLOCK', String(ba), reason), p.respite.call('CLIENT', 'UNBLOCK', String(bb), reason)]);
      assert.equal(b, a);
      const [wa, wb] = await waiting;
      assert.equal(wb, wa);
    }
  });
});
