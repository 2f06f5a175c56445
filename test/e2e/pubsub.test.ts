/**
 * Pub/Sub, keyspace notifications and transactions through real client
 * libraries (ioredis in RESP2, @redis/client 5 in RESP2 and RESP3), and the
 * `client-output-buffer-limit pubsub` cut-off of a subscriber that never
 * reads (Redis 7.0 closes it once its pending output passes the hard limit).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@redis/client';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { encodeCommand, RawClient } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first `n` values an event source hands to `push`. */
function collector<T>(n: number): { push: (v: T) => void; done: Promise<T[]> } {
  const got: T[] = [];
  let resolve!: (v: T[]) => void;
  const done = new Promise<T[]>((r) => (resolve = r));
  const timer = setTimeout(() => resolve(got), 3000);
  return {
    push: (v: T) => {
      got.push(v);
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    },
    done,
  };
}

function ioredis(srv: RunningServer): Redis {
  return new Redis({ port: srv.port, host: srv.host, maxRetriesPerRequest: 0, enableReadyCheck: false });
}

describe('e2e pub/sub: ioredis', () => {
  let srv: RunningServer;
  let pub: Redis;
  let sub: Redis;
  before(async () => {
    srv = await startServer();
    pub = ioredis(srv);
    sub = ioredis(srv);
  });
  after(async () => {
    pub.disconnect();
    sub.disconnect();
    await srv.close();
  });

  it('channel and pattern messages, binary payloads, unsubscribe', async () => {
    const msgs = collector<string>(3);
    sub.on('message', (ch: string, m: string) => msgs.push(`message ${ch} ${m}`));
    sub.on('pmessage', (p: string, ch: string, m: string) => msgs.push(`pmessage ${p} ${ch} ${m}`));
    const bin = collector<Buffer>(1);
    sub.on('messageBuffer', (ch: Buffer, m: Buffer) => {
      if (ch.toString() === 'bin') bin.push(m);
    });
    assert.equal(await sub.subscribe('news', 'bin'), 2);
    assert.equal(await sub.psubscribe('ne*'), 3);
    assert.equal(await pub.publish('news', 'hello'), 2);
    assert.equal(await pub.publish('nest', 'x'), 1);
    assert.deepEqual((await msgs.done).sort(), ['message news hello', 'pmessage ne* nest x', 'pmessage ne* news hello']);
    const payload = Buffer.from([0, 1, 255, 13, 10, 200]);
    assert.equal(await pub.publish('bin', payload), 1);
    assert.ok((await bin.done)[0].equals(payload));
    assert.deepEqual((await pub.pubsub('NUMSUB', 'news', 'bin')) as unknown[], ['news', 1, 'bin', 1]);
    // (ioredis' argument-less unsubscribe waits forever on redis-server too.)
    await sub.unsubscribe('news', 'bin');
    await sub.punsubscribe('ne*');
    assert.equal(await pub.publish('news', 'gone'), 0);
  });

  it('keyspace notifications reach a pattern subscriber', async () => {
    await pub.config('SET', 'notify-keyspace-events', 'KEA');
    const events = collector<string>(4);
    const s = ioredis(srv);
    s.on('pmessage', (_p: string, ch: string, m: string) => events.push(`${ch} ${m}`));
    await s.psubscribe('__key*@0__:*');
    await pub.set('nk', '1');
    await pub.incr('nk');
    assert.deepEqual(await events.done, ['__keyspace@0__:nk set', '__keyevent@0__:set nk', '__keyspace@0__:nk incrby', '__keyevent@0__:incrby nk']);
    s.disconnect();
    await pub.config('SET', 'notify-keyspace-events', '');
  });

  it('MULTI/EXEC and WATCH through ioredis', async () => {
    const watcher = ioredis(srv);
    await pub.set('bal', '10');
    await watcher.watch('bal');
    await pub.incrby('bal', 5);
    assert.equal(await watcher.multi().decrby('bal', 3).exec(), null);
    await watcher.watch('bal');
    const res = await watcher.multi().decrby('bal', 3).get('bal').exec();
    assert.deepEqual(res, [
      [null, 12],
      [null, '12'],
    ]);
    await assert.rejects(watcher.multi([['set', 'k']]).exec(), /EXECABORT/);
    watcher.disconnect();
  });
});

describe('e2e pub/sub: @redis/client 5', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  for (const RESP of [2, 3] as const) {
    it(`subscribe, pSubscribe, sSubscribe and transactions in RESP${RESP}`, async () => {
      const url = `redis://${srv.host}:${srv.port}`;
      const pub = createClient({ url, RESP });
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      try {
        const got = collector<string>(3);
        await sub.subscribe('c1', (m, ch) => got.push(`c ${ch} ${m}`));
        await sub.pSubscribe('c*', (m, ch) => got.push(`p ${ch} ${m}`));
        await sub.sSubscribe('sh', (m, ch) => got.push(`s ${ch} ${m}`));
        assert.equal(await pub.publish('c1', 'one'), 2);
        assert.equal(await pub.sPublish('sh', 'two'), 1);
        assert.deepEqual((await got.done).sort(), ['c c1 one', 'p c1 one', 's sh two']);
        assert.equal(await pub.pubSubNumPat(), 1);
        await sub.unsubscribe('c1');
        await sub.pUnsubscribe('c*');
        await sub.sUnsubscribe('sh');
        assert.equal(await pub.publish('c1', 'none'), 0);
        const res = await pub.multi().set('t', '1').incr('t').get('t').exec();
        assert.deepEqual(res, ['OK', 2, '2']);
      } finally {
        pub.destroy();
        sub.destroy();
      }
    });
  }
});

describe('e2e pub/sub: slow subscribers and client-output-buffer-limit pubsub', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ 'client-output-buffer-limit': 'pubsub 1mb 256kb 1' });
  });
  after(() => srv.close());

  /** A subscriber that never reads its socket. */
  async function stalledSubscriber(channel: string): Promise<net.Socket> {
    const s = net.connect({ port: srv.port, host: srv.host });
    await new Promise((r) => s.once('connect', r));
    s.write(encodeCommand(['SUBSCRIBE', channel]));
    await sleep(50);
    s.pause();
    return s;
  }

  it('a subscriber past the hard limit is disconnected; the others keep receiving', async () => {
    const slow = await stalledSubscriber('flood');
    const fast = await RawClient.connect(srv.port);
    await fast.call('SUBSCRIBE', 'flood');
    const pub = await RawClient.connect(srv.port);
    const msg = 'x'.repeat(64 * 1024);
    let lastCount = '';
    for (let i = 0; i < 200 && lastCount !== ':1\r\n'; i++) {
      lastCount = await pub.call('PUBLISH', 'flood', msg);
      while (fast.pending().length > 0) await fast.readRaw();
    }
    assert.equal(lastCount, ':1\r\n', 'the stalled subscriber was never cut off');
    assert.equal(await pub.call('PUBSUB', 'NUMSUB', 'flood'), '*2\r\n$5\r\nflood\r\n:1\r\n');
    slow.destroy();
    fast.close();
    pub.close();
  });

  it('a subscriber above the soft limit for longer than its seconds is disconnected', async () => {
    // No hard limit here: only the soft one (256kb for 1 s) can cut the subscriber off.
    srv.server.config.set('client-output-buffer-limit', 'pubsub 0 256kb 1');
    const slow = await stalledSubscriber('soft');
    const pub = await RawClient.connect(srv.port);
    const msg = 'y'.repeat(64 * 1024);
    // Enough to fill the kernel's socket buffers and stay above 256kb pending.
    let count = '';
    for (let i = 0; i < 200; i++) count = await pub.call('PUBLISH', 'soft', msg);
    assert.equal(count, ':1\r\n', 'cut off before the soft limit time');
    await sleep(1200);
    // Like Redis, the limit is checked when output is added.
    assert.equal(await pub.call('PUBLISH', 'soft', 'z'), ':1\r\n');
    await sleep(50);
    assert.equal(await pub.call('PUBLISH', 'soft', 'z'), ':0\r\n');
    slow.destroy();
    pub.close();
  });
});
