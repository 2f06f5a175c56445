import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../support/raw-client.js';

/**
 * Commands whose honest reply could never be delivered. Redis 7.0.15 tries
 * (and runs out of memory); respite refuses with an error and keeps serving.
 */
describe('e2e: replies too large to build are refused, the server keeps serving', () => {
  let srv: RunningServer;
  let c: RawClient;
  before(async () => {
    srv = await startServer();
    c = await RawClient.connect(srv.port, srv.host);
    await c.call('SADD', 's', 'a', 'b');
    await c.call('HSET', 'h', 'f', 'v');
    await c.call('ZADD', 'z', '1', 'm');
  });
  after(async () => {
    c.close();
    await srv.close();
  });

  for (const args of [
    ['SRANDMEMBER', 's', '-9223372036854775807'],
    ['HRANDFIELD', 'h', '-9223372036854775807'],
    ['ZRANDMEMBER', 'z', '-9223372036854775807'],
    ['ZRANDMEMBER', 'z', '-100000000'],
  ]) {
    it(args.join(' '), async () => {
      const t0 = Date.now();
      assert.equal(await c.call(...args), '-ERR value is out of range\r\n');
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(await c.call('PING'), '+PONG\r\n');
    });
  }

  it('a large but deliverable negative count still works', async () => {
    const reply = await c.call('SRANDMEMBER', 's', '-1000');
    assert.ok(reply.startsWith('*1000\r\n'));
  });
});
