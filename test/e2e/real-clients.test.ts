/**
 * Real client libraries against an in-process respite: ioredis (RESP2) and
 * node-redis' @redis/client 5 (RESP2 and RESP3 via HELLO 3). Each does what an
 * application does: SET/GET, pipelines, binary values, transactions-free
 * batches, errors surfacing as rejections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, RESP_TYPES } from '@redis/client';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));

describe('e2e: ioredis', () => {
  let srv: RunningServer;
  let r: Redis;
  before(async () => {
    srv = await startServer();
    r = new Redis({ port: srv.port, host: srv.host, lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
    await r.connect();
  });
  after(async () => {
    r.disconnect();
    await srv.close();
  });

  it('SET / GET / missing key / ECHO / PING', async () => {
    assert.equal(await r.set('greeting', 'héllo wörld'), 'OK');
    assert.equal(await r.get('greeting'), 'héllo wörld');
    assert.equal(await r.get('nope'), null);
    assert.equal(await r.echo('x y'), 'x y');
    assert.equal(await r.ping(), 'PONG');
  });

  it('binary Buffers round-trip', async () => {
    const key = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]);
    assert.equal(await r.set(key, BINARY), 'OK');
    const back = await r.getBuffer(key);
    assert.ok(back !== null && back.equals(BINARY));
  });

  it('a 1000-command pipeline keeps order', async () => {
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`p:${i}`, String(i * 3));
    for (let i = 0; i < 500; i++) p.get(`p:${i}`);
    const res = (await p.exec())!;
    assert.equal(res.length, 1000);
    for (let i = 0; i < 500; i++) {
      assert.deepEqual(res[i], [null, 'OK']);
      assert.deepEqual(res[500 + i], [null, String(i * 3)]);
    }
  });

  it('a large value', async () => {
    const v = 'z'.repeat(5 * 1024 * 1024);
    await r.set('large', v);
    assert.equal(await r.get('large'), v);
  });

  it('errors reject with the Redis text', async () => {
    await assert.rejects(r.call('NOSUCHCMD', 'a'), /ERR unknown command 'NOSUCHCMD', with args beginning with: 'a'/);
    await assert.rejects(r.call('GET'), /ERR wrong number of arguments for 'get' command/);
  });

  it('SELECT and DBSIZE', async () => {
    await r.flushall();
    await r.set('a', '1');
    assert.equal(await r.dbsize(), 1);
    await r.select(1);
    assert.equal(await r.dbsize(), 0);
    await r.select(0);
  });
});

for (const RESP of [2, 3] as const) {
  describe(`e2e: @redis/client 5 with RESP${RESP}`, () => {
    let srv: RunningServer;
    let c: ReturnType<typeof createClient>;
    before(async () => {
      srv = await startServer();
      c = createClient({ socket: { port: srv.port, host: srv.host, reconnectStrategy: false }, RESP });
      c.on('error', () => {});
      await c.connect();
    });
    after(async () => {
      c.destroy();
      await srv.close();
    });

    it('SET / GET / nil', async () => {
      assert.equal(await c.set('k', 'välue'), 'OK');
      assert.equal(await c.get('k'), 'välue');
      assert.equal(await c.get('missing'), null);
      assert.equal(await c.ping(), 'PONG');
    });

    it('concurrent commands are auto-pipelined and keep order', async () => {
      const sets = Array.from({ length: 1000 }, (_, i) => c.set(`n:${i}`, `v${i}`));
      const gets = Array.from({ length: 1000 }, (_, i) => c.get(`n:${i}`));
      assert.ok((await Promise.all(sets)).every((x) => x === 'OK'));
      const got = await Promise.all(gets);
      for (let i = 0; i < 1000; i++) assert.equal(got[i], `v${i}`);
    });

    it('an explicit pipeline (multi().execAsPipeline)', async () => {
      const res = await c.multi().set('a', '1').get('a').echo('e').ping().execAsPipeline();
      assert.deepEqual(res, ['OK', '1', 'e', 'PONG']);
    });

    it('binary Buffers round-trip', async () => {
      const key = Buffer.from([0xfe, 0, 0x2a]);
      await c.set(key, BINARY);
      const back = await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key);
      assert.ok(Buffer.isBuffer(back) && back.equals(BINARY));
    });

    it('errors reject with the Redis text', async () => {
      await assert.rejects(c.sendCommand(['NOSUCHCMD']), /ERR unknown command 'NOSUCHCMD', with args beginning with: /);
      // The connection is still usable after an error.
      assert.equal(await c.echo('still'), 'still');
    });

    it('DBSIZE after FLUSHALL', async () => {
      await c.flushAll();
      await c.set('x', 'y');
      assert.equal(await c.dbSize(), 1);
    });
  });
}
