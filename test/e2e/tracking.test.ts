/**
 * Client-side caching with a real client: node-redis' @redis/client 5 with
 * `clientSideCache` over RESP3 turns tracking on, serves repeated reads from
 * its cache, and drops entries when respite's invalidation pushes arrive
 * (another client's write, expiry, FLUSHALL's null invalidation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BasicClientSideCache, createClient } from '@redis/client';
import { startServer, type RunningServer } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true or the timeout passes. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('e2e: @redis/client client-side cache', () => {
  let srv: RunningServer;
  let cache: BasicClientSideCache;
  let cached: ReturnType<typeof createClient>;
  let writer: ReturnType<typeof createClient>;
  before(async () => {
    srv = await startServer();
    cache = new BasicClientSideCache({ maxEntries: 1000 });
    cached = createClient({ socket: { port: srv.port, host: srv.host }, RESP: 3, clientSideCache: cache });
    writer = createClient({ socket: { port: srv.port, host: srv.host } });
    await cached.connect();
    await writer.connect();
  });
  after(async () => {
    cached.destroy();
    writer.destroy();
    await srv.close();
  });

  it('repeated reads hit the cache; another client\'s write invalidates the entry', async () => {
    await writer.set('csc:k', 'v1');
    assert.equal(await cached.get('csc:k'), 'v1');
    const misses = cache.stats().missCount;
    assert.equal(await cached.get('csc:k'), 'v1');
    assert.equal(cache.stats().missCount, misses);
    assert.ok(cache.stats().hitCount >= 1);
    await writer.set('csc:k', 'v2');
    // The invalidation push empties the entry: the next read goes to the server.
    await until(() => cache.size() === 0);
    assert.equal(await cached.get('csc:k'), 'v2');
    assert.equal(cache.stats().missCount, misses + 1);
  });

  it('the server reports the tracking connection', async () => {
    const info = await writer.info('clients');
    assert.match(info, /tracking_clients:1\r\n/);
    const list = await writer.clientList();
    assert.ok(list.some((c) => c.flags.includes('t')));
  });

  it('expiry and FLUSHALL invalidate cached entries', async () => {
    const before = cache.size();
    await writer.set('csc:e', 'x', { PX: 50 });
    assert.equal(await cached.get('csc:e'), 'x');
    assert.equal(cache.size(), before + 1);
    // Active expiry removes the key with nobody reading it: the push drops the entry.
    await until(() => cache.size() === before, 3000);
    assert.equal(await cached.get('csc:e'), null);
    await writer.set('csc:a', '1');
    await writer.set('csc:b', '2');
    assert.deepEqual(await cached.mGet(['csc:a', 'csc:b']), ['1', '2']);
    assert.equal(await cached.get('csc:a'), '1');
    assert.ok(cache.size() >= 2);
    await writer.flushAll();
    await until(() => cache.size() === 0);
    assert.equal(await cached.get('csc:a'), null);
  });
});
