/**
 * Differential tests of client-side caching (CLIENT TRACKING & co.): a
 * tracked connection, a writer and a redirect target per side; the
 * invalidation pushes / pub/sub messages are read raw and compared byte for
 * byte. Client ids differ between the servers, so commands naming an id are
 * sent per side and replies naming one are compared after substitution.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand, type RawClient } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** HELLO: its reply names the connection id, so it is compared with ids masked. */
async function hello(p: Pair, proto: string): Promise<void> {
  const [a, b] = await p.both('HELLO', proto);
  const mask = (x: string): string => x.replace(/\$2\r\nid\r\n:\d+\r\n/, 'ID');
  assert.equal(mask(b), mask(a));
}

/** Replaces the integer reply or element `:id` with a placeholder. */
function maskId(raw: string, id: string): string {
  return raw.split(`:${id}\r\n`).join(':{id}\r\n');
}

/** The connection ids of a pair: [redis, respite]. */
async function ids(p: Pair): Promise<[string, string]> {
  const [a, b] = await p.both('CLIENT', 'ID');
  return [a.slice(1, -2), b.slice(1, -2)];
}

/** Sends a command naming a client id (`{id}` is replaced per side) and compares the replies, ids masked. */
async function sameWithId(p: Pair, idPair: [string, string], ...args: string[]): Promise<string> {
  const [a, b] = await Promise.all([
    p.redis.call(...args.map((x) => (x === '{id}' ? idPair[0] : x))),
    p.respite.call(...args.map((x) => (x === '{id}' ? idPair[1] : x))),
  ]);
  assert.equal(maskId(b, idPair[1]), maskId(a, idPair[0]), `reply mismatch for ${args.join(' ')}`);
  return a;
}

/** Reads the next frame on both sides and compares (ids masked when given). */
async function nextSame(p: Pair, idPair?: [string, string]): Promise<string> {
  const [a, b] = await Promise.all([p.redis.readRaw(), p.respite.readRaw()]);
  if (idPair === undefined) assert.equal(b, a);
  else assert.equal(maskId(b, idPair[1]), maskId(a, idPair[0]));
  return a;
}

/** Asserts nothing is pending: a PING's reply is the next frame on both sides. */
async function quiet(p: Pair): Promise<void> {
  await sleep(20);
  const r = await p.same('PING');
  assert.ok(r === '+PONG\r\n' || r.includes('pong'), `expected PONG, got ${JSON.stringify(r)}`);
}

const push = (...keys: string[]): string => '>2\r\n$10\r\ninvalidate\r\n*' + keys.length + '\r\n' + keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('');

describe('differential client tracking', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let t: Pair; // tracked client
  let w: Pair; // writer
  let r: Pair; // redirect target
  before(async () => {
    env = await DiffEnv.start();
    t = await env.connect();
    w = await env.connect();
    r = await env.connect();
  });
  after(() => env.stop());
  beforeEach(async () => {
    for (const p of [t, w, r]) await p.same('RESET');
    await env.reset();
    // RESET turned tracking off: the FLUSHALL above invalidates nobody.
  });

  it('CLIENT TRACKING option errors, CACHING errors, GETREDIR, TRACKINGINFO (RESP2 and RESP3)', async () => {
    const tid = await ids(t);
    for (const proto of ['2', '3']) {
      await hello(t, proto);
      await t.same('CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a');
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN');
      await t.same('CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT');
      await t.same('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999');
      await t.same('CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'x');
      await t.same('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '0');
      await t.same('CLIENT', 'TRACKING', 'ON', 'REDIRECT');
      await sameWithId(t, tid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}', 'REDIRECT', '{id}');
      await t.same('CLIENT', 'TRACKING', 'ON', 'foo');
      await t.same('CLIENT', 'TRACKING', 'maybe');
      await t.same('CLIENT', 'TRACKING', 'maybe', 'foo');
      await t.same('CLIENT', 'TRACKING', 'OFF', 'BCAST');
      await t.same('CLIENT', 'TRACKING');
      await t.same('CLIENT', 'CACHING', 'yes');
      await t.same('CLIENT', 'CACHING', 'maybe');
      await t.same('CLIENT', 'GETREDIR');
      await t.same('CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab');
      // Redis quirk: an overlap found past the first prefix is an error reply, then +OK.
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'PREFIX', 'bc');
      await nextSame(t);
      await t.same('CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'b');
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'x');
      await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST');
      await t.same('CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'TRACKING', 'ON');
      await t.same('CLIENT', 'CACHING', 'yes');
      await t.same('CLIENT', 'GETREDIR');
      await t.same('CLIENT', 'TRACKING', 'OFF');
      await t.same('CLIENT', 'TRACKING', 'ON', 'OPTIN');
      await t.same('CLIENT', 'CACHING', 'no');
      await t.same('CLIENT', 'CACHING', 'maybe');
      await t.same('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
      await t.same('CLIENT', 'CACHING', 'yes');
      await t.same('CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'TRACKING', 'ON', 'OPTIN', 'NOLOOP');
      await t.same('CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'TRACKING', 'OFF');
      await t.same('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
      await t.same('CLIENT', 'CACHING', 'no');
      await t.same('CLIENT', 'TRACKINGINFO');
      await sameWithId(t, tid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}');
      await sameWithId(t, tid, 'CLIENT', 'GETREDIR');
      await sameWithId(t, tid, 'CLIENT', 'TRACKINGINFO');
      await t.same('CLIENT', 'CACHING', 'yes', 'x');
      await t.same('CLIENT', 'GETREDIR', 'x');
      await t.same('CLIENT', 'TRACKINGINFO', 'x');
      await t.same('CLIENT', 'TRACKING', 'OFF');
      await t.same('CLIENT', 'GETREDIR');
    }
  });

  it('RESP3: a read key is invalidated once by another client\'s write', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t.same('GET', 'k');
    await t.same('MGET', 'k2', 'k3');
    await w.same('SET', 'k', '1');
    assert.equal(await nextSame(t), push('k'));
    await w.same('SET', 'k', '2');
    await quiet(t);
    await w.same('MSET', 'k2', 'a', 'k3', 'b');
    await nextSame(t);
    await nextSame(t);
    await quiet(t);
    // The table is keyed by name across databases.
    await t.same('GET', 'zz');
    await w.same('SELECT', '1');
    await w.same('SET', 'zz', '1');
    await nextSame(t);
    // A failing read (WRONGTYPE) still tracks the key.
    await w.same('RPUSH', 'L', '1');
    await t.same('GET', 'L');
    await w.same('RPUSH', 'L', '2');
    await nextSame(t);
    await quiet(t);
  });

  it('RESP3: own writes are invalidated after the reply; EXEC sends them after the EXEC reply', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t.same('GET', 'k');
    await t.same('SET', 'k', '2');
    assert.equal(await nextSame(t), push('k'));
    await t.same('GET', 'k');
    await t.same('MULTI');
    await t.same('SET', 'k', '3');
    await t.same('GET', 'k2');
    await t.same('SET', 'k2', 'x');
    await t.same('EXEC');
    await nextSame(t);
    await nextSame(t);
    await quiet(t);
  });

  it('FLUSHDB / FLUSHALL send a null invalidation to every tracking client', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t.same('GET', 'k');
    await w.same('FLUSHDB');
    assert.equal(await nextSame(t), '>2\r\n$10\r\ninvalidate\r\n_\r\n');
    await t.same('GET', 'k');
    await t.same('FLUSHALL');
    await nextSame(t);
    await t.same('FLUSHDB', 'ASYNC');
    await nextSame(t);
    await t.same('FLUSHDB', 'bogus');
    await quiet(t);
    // The table was emptied: a later write of k invalidates nothing.
    await w.same('SET', 'k', '1');
    await quiet(t);
  });

  it('NOLOOP: no invalidation for the client\'s own writes', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON', 'NOLOOP');
    await t.same('GET', 'k');
    await t.same('SET', 'k', '1');
    await quiet(t);
    await t.same('GET', 'k');
    await w.same('SET', 'k', '2');
    await nextSame(t);
    await quiet(t);
  });

  it('OPTIN / OPTOUT with CLIENT CACHING (CLIENT subcommands and MULTI keep the scope)', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await t.same('GET', 'o1');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('GET', 'o2');
    await t.same('GET', 'o3');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('CLIENT', 'TRACKINGINFO');
    await t.both('CLIENT', 'ID');
    await t.same('GET', 'o4');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('PING');
    await t.same('GET', 'o5');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('MULTI');
    await t.same('GET', 'o6');
    await t.same('GET', 'o7');
    await t.same('EXEC');
    await t.same('GET', 'o8');
    // A refused request (unknown command, wrong arity) ends the scope too.
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('NOSUCHCMD');
    await t.same('GET', 'o9');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('GET');
    await t.same('GET', 'o10');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('CLIENT', 'NOSUCHSUB');
    await t.same('GET', 'o11');
    await t.same('CLIENT', 'CACHING', 'yes');
    await t.same('CLIENT', 'GETREDIR', 'extra');
    await t.same('GET', 'o12');
    for (let i = 1; i <= 12; i++) await w.same('SET', `o${i}`, '1');
    for (let i = 0; i < 5; i++) await nextSame(t);
    await quiet(t);
    await t.same('CLIENT', 'TRACKING', 'OFF');
    await t.same('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
    await t.same('GET', 'o1');
    await t.same('CLIENT', 'CACHING', 'no');
    await t.same('GET', 'o2');
    await t.same('GET', 'o3');
    await t.same('OBJECT', 'ENCODING', 'o4');
    await t.same('EXISTS', 'o5', 'o6');
    for (let i = 1; i <= 6; i++) await w.same('SET', `o${i}`, '2');
    for (let i = 0; i < 5; i++) await nextSame(t);
    await quiet(t);
  });

  it('RESP2 + REDIRECT: messages on __redis__:invalidate to a subscribed redirect client', async () => {
    const rid = await ids(r);
    await sameWithId(t, rid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}');
    await t.same('GET', 'k');
    // Not in pub/sub mode: a RESP2 redirect client gets nothing.
    await w.same('SET', 'k', '1');
    await quiet(r);
    await r.same('SUBSCRIBE', 'foo');
    await t.same('GET', 'k');
    await w.same('SET', 'k', '2');
    assert.equal(await nextSame(r), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n');
    await t.same('GET', 'k');
    await w.same('FLUSHALL');
    assert.equal(await nextSame(r), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n');
    // NOLOOP with redirect: own writes are skipped, others' still arrive.
    await sameWithId(t, rid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}', 'NOLOOP');
    await t.same('GET', 'k');
    await t.same('SET', 'k', '2');
    await quiet(r);
    await t.same('GET', 'k');
    await w.same('SET', 'k', '3');
    await nextSame(r);
    await quiet(r);
    // CLIENT LIST shows the redirect id and the t flag.
    const [a, b] = await t.both('CLIENT', 'INFO');
    assert.equal(/redir=(\d+)/.exec(b)![1], rid[1]);
    assert.equal(/redir=(\d+)/.exec(a)![1], rid[0]);
    assert.equal(/flags=(\S+)/.exec(b)![1], /flags=(\S+)/.exec(a)![1]);
  });

  it('RESP3 redirect target gets pushes; the null of a flush follows the tracked client\'s protocol', async () => {
    await hello(r, '3');
    const rid = await ids(r);
    await sameWithId(t, rid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}');
    await t.same('GET', 'k');
    await w.same('SET', 'k', '1');
    assert.equal(await nextSame(r), push('k'));
    await t.same('GET', 'k');
    await w.same('FLUSHALL');
    assert.equal(await nextSame(r), '>2\r\n$10\r\ninvalidate\r\n$-1\r\n');
    await quiet(r);
  });

  it('a vanished redirect client: tracking-redir-broken pushes, broken_redirect flag', async () => {
    const x = await env.connect();
    const xid = await ids(x);
    await hello(t, '3');
    await sameWithId(t, xid, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '{id}');
    await t.same('GET', 'q');
    x.close();
    await sleep(50);
    await quiet(t);
    await w.same('SET', 'q', '1');
    await nextSame(t, xid);
    await sameWithId(t, xid, 'CLIENT', 'TRACKINGINFO');
    const [a, b] = await t.both('CLIENT', 'INFO');
    assert.equal(/flags=(\S+)/.exec(b)![1], /flags=(\S+)/.exec(a)![1]);
    await t.same('GET', 'q');
    await w.same('FLUSHALL');
    await nextSame(t, xid);
    await quiet(t);
  });

  it('BCAST: keys changed in one turn go out once per prefix, sorted; NOLOOP drops own keys', async () => {
    const t2 = await env.connect();
    await hello(t, '3');
    await hello(t2, '3');
    await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a', 'NOLOOP');
    await t2.same('CLIENT', 'TRACKING', 'ON', 'BCAST');
    const batch = Buffer.concat([
      encodeCommand(['SET', 'b1', 'x']),
      encodeCommand(['SET', 'a2', 'x']),
      encodeCommand(['SET', 'a1', 'x']),
      encodeCommand(['SET', 'a2', 'y']),
      encodeCommand(['SET', 'c', 'z']),
    ]);
    w.writeRaw(batch);
    for (let i = 0; i < 5; i++) await nextSame(w);
    assert.equal(await nextSame(t), push('a1', 'a2'));
    assert.equal(await nextSame(t), push('b1'));
    assert.equal(await nextSame(t2), push('a1', 'a2', 'b1', 'c'));
    t.writeRaw(Buffer.concat([encodeCommand(['SET', 'b1', 'x']), encodeCommand(['SET', 'a2', 'x']), encodeCommand(['GET', 'a2'])]));
    for (let i = 0; i < 3; i++) await nextSame(t);
    await nextSame(t2);
    await quiet(t);
    await quiet(t2);
    const [ia, ib] = await w.both('INFO', 'stats');
    assert.equal(/tracking_total_prefixes:(\d+)/.exec(ib)![1], /tracking_total_prefixes:(\d+)/.exec(ia)![1]);
    await t2.same('CLIENT', 'TRACKINGINFO');
    t2.close();
  });

  it('RESP2 without REDIRECT: keys are tracked but nothing can be sent', async () => {
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t.same('GET', 'k');
    const [ia, ib] = await w.both('INFO', 'stats');
    assert.equal(/tracking_total_keys:(\d+)/.exec(ib)![1], /tracking_total_keys:(\d+)/.exec(ia)![1]);
    await w.same('SET', 'k', '1');
    await t.same('SET', 'k', '2');
    await w.same('FLUSHALL');
    await quiet(t);
  });

  it('BCAST through a RESP2 redirect; FLUSHALL reaches BCAST clients; switching modes drops old keys', async () => {
    const rid = await ids(r);
    // The redirect target needs pub/sub mode, not this channel; other subscribers of the channel get nothing.
    await r.same('SUBSCRIBE', 'foo');
    const o = await env.connect();
    await o.same('SUBSCRIBE', '__redis__:invalidate');
    await sameWithId(t, rid, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'REDIRECT', '{id}');
    const [la, lb] = await t.both('CLIENT', 'INFO');
    assert.equal(/flags=(\S+)/.exec(lb)![1], /flags=(\S+)/.exec(la)![1]);
    await w.same('SET', 'user:1', 'a');
    await w.same('SET', 'other', 'a');
    assert.equal(await nextSame(r), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$6\r\nuser:1\r\n');
    await quiet(o);
    o.close();
    await w.same('FLUSHALL');
    await nextSame(r);
    await quiet(r);
    await t.same('CLIENT', 'TRACKING', 'OFF');
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t.same('GET', 'x');
    await t.same('CLIENT', 'TRACKING', 'OFF');
    await t.same('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'y');
    await w.same('SET', 'x', '1');
    await quiet(t);
    await w.same('SET', 'y1', '1');
    assert.equal(await nextSame(t), push('y1'));
    await t.same('CLIENT', 'TRACKINGINFO');
  });

  it('CLIENT CACHING queued inside MULTI applies to the rest of the transaction', async () => {
    await hello(t, '3');
    await t.same('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await t.same('MULTI');
    await t.same('GET', 'm1');
    await t.same('CLIENT', 'CACHING', 'YES');
    await t.same('GET', 'm2');
    await t.same('GET', 'm3');
    await t.same('EXEC');
    await t.same('GET', 'm4');
    for (const k of ['m1', 'm2', 'm3', 'm4']) await w.same('SET', k, '1');
    assert.equal(await nextSame(t), push('m2'));
    assert.equal(await nextSame(t), push('m3'));
    await quiet(t);
  });

  it('expiry invalidates: lazily (NOLOOP spares the reader\'s own lookup) and actively', async () => {
    await hello(t, '3');
    await w.same('CONFIG', 'SET', 'hz', '1');
    try {
      for (const mode of [['NOLOOP'], []]) {
        await t.same('CLIENT', 'TRACKING', 'ON', ...mode);
        const e1 = `e1${mode.length}`;
        const e2 = `e2${mode.length}`;
        // Lazy expiry by the tracked client's own read: after its reply, or not at all with NOLOOP.
        await w.same('SET', e1, '1', 'PX', '100');
        await t.same('GET', e1);
        await sleep(120);
        await t.same('GET', e1);
        if (mode.length === 0) assert.equal(await nextSame(t), push(e1));
        await quiet(t);
        // Lazy expiry by another client's read.
        await w.same('SET', e2, '1', 'PX', '100');
        await t.same('GET', e2);
        await sleep(120);
        await w.same('GET', e2);
        assert.equal(await nextSame(t), push(e2));
        await quiet(t);
        await t.same('CLIENT', 'TRACKING', 'OFF');
      }
    } finally {
      await w.same('CONFIG', 'SET', 'hz', '10');
    }
    // Active expiry with nobody touching the key.
    await t.same('CLIENT', 'TRACKING', 'ON', 'NOLOOP');
    await w.same('SET', 'e3', '1', 'PX', '50');
    await t.same('GET', 'e3');
    const [a, b] = await Promise.all([t.redis.readRaw(3000), t.respite.readRaw(3000)]);
    assert.equal(b, a);
    assert.equal(a, push('e3'));
    await quiet(t);
  });

  it('INFO tracking_clients / tracking_total_keys / tracking_total_items', async () => {
    const t2 = await env.connect();
    await t.same('CLIENT', 'TRACKING', 'ON');
    await t2.same('CLIENT', 'TRACKING', 'ON');
    await t.same('MGET', 'a', 'b', 'c');
    await t2.same('MGET', 'b', 'c', 'd');
    const fields = async (): Promise<void> => {
      const [a, b] = await w.both('INFO');
      for (const f of ['tracking_clients', 'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes']) {
        assert.equal(new RegExp(`${f}:(\\d+)`).exec(b)![1], new RegExp(`${f}:(\\d+)`).exec(a)![1], f);
      }
    };
    await fields();
    await w.same('SET', 'b', '1');
    await fields();
    await t2.same('CLIENT', 'TRACKING', 'OFF');
    await fields();
    await w.same('DEL', 'c');
    await fields();
    t2.close();
  });

  it('tracking-table-max-keys: keys past the limit are evicted (invalidated) before the next command', async () => {
    await w.same('CONFIG', 'SET', 'tracking-table-max-keys', '1');
    try {
      await hello(t, '3');
      await t.same('CLIENT', 'TRACKING', 'ON');
      await t.same('MGET', 'a', 'b', 'c');
      // Before the next command runs, Redis evicts (random) keys down to the
      // limit; the invalidations are sent at once, ahead of the reply.
      const [a, b] = await Promise.all([pingCollect(t.redis), pingCollect(t.respite)]);
      assert.equal(a.length, 2);
      assert.equal(b.length, a.length);
      for (const f of b) assert.match(f, /^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$1\r\n[abc]\r\n$/);
      assert.equal(new Set(b).size, 2);
      await quiet(t);
      const [ia, ib] = await w.both('INFO', 'stats');
      assert.equal(/tracking_total_keys:(\d+)/.exec(ib)![1], /tracking_total_keys:(\d+)/.exec(ia)![1]);
    } finally {
      await w.same('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    }
  });
});

/** Sends PING and returns the frames that arrived before +PONG. */
async function pingCollect(c: RawClient): Promise<string[]> {
  c.writeRaw(encodeCommand(['PING']));
  const frames: string[] = [];
  for (;;) {
    const f = await c.readRaw();
    if (f === '+PONG\r\n') return frames;
    frames.push(f);
  }
}
