import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads n frames from each side; returns them as sorted lists (for orders Redis leaves to its dict). */
async function readFrames(p: Pair, n: number): Promise<[string[], string[]]> {
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; i < n; i++) {
    a.push(await p.redis.readRaw());
    b.push(await p.respite.readRaw());
  }
  return [a, b];
}

function parse(raw: string): RespValue {
  return readReply(Buffer.from(raw, 'latin1'))![0];
}

describe('differential pub/sub', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let sub: Pair;
  let sub2: Pair;
  before(async () => {
    env = await DiffEnv.start();
    sub = await env.connect();
    sub2 = await env.connect();
  });
  after(() => env.stop());
  beforeEach(async () => {
    await env.reset();
    for (const p of [env.pair, sub, sub2]) await p.same('RESET');
  });

  it('SUBSCRIBE/UNSUBSCRIBE confirmations and counts (RESP2)', async () => {
    await sub.same('UNSUBSCRIBE');
    await sub.same('PUNSUBSCRIBE');
    await sub.same('SUNSUBSCRIBE');
    await sub.same('SUBSCRIBE');
    await sub.same('SUBSCRIBE', 'a');
    sub.writeRaw('*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\nb\r\n$1\r\na\r\n');
    await sub.readSame();
    await sub.readSame();
    await sub.same('PSUBSCRIBE', 'p*');
    await sub.same('SSUBSCRIBE', 's1');
    await sub.same('SSUBSCRIBE', 's2');
    await sub.same('UNSUBSCRIBE', 'nosuch');
    await sub.same('SUNSUBSCRIBE', 's1');
    await sub.same('UNSUBSCRIBE', 'b');
    await sub.same('PUNSUBSCRIBE', 'p*');
    await sub.same('UNSUBSCRIBE');
    await sub.same('SUNSUBSCRIBE');
    await sub.same('GET', 'k');
  });

  it('RESP2 subscribe mode: only (P|S)SUBSCRIBE, UNSUBSCRIBE, PING, QUIT, RESET', async () => {
    await sub.same('SUBSCRIBE', 'a');
    await sub.same('GET', 'k');
    await sub.same('PUBSUB', 'CHANNELS');
    await sub.same('MULTI');
    await sub.same('PING');
    await sub.same('PING', 'hi');
    await sub.same('UNSUBSCRIBE', 'a');
    await sub.same('PING');
  });

  it('RESP3: push frames, normal commands allowed while subscribed', async () => {
    await sub.both('HELLO', '3'); // carries the client id
    await sub.same('UNSUBSCRIBE');
    await sub.same('SUBSCRIBE', 'a');
    await sub.same('PSUBSCRIBE', 'a*');
    await sub.same('SET', 'k', 'v');
    await sub.same('GET', 'k');
    await sub.same('PING');
    await env.pair.same('PUBLISH', 'a', 'm1');
    const [a, b] = await readFrames(sub, 2);
    assert.deepEqual(b.sort(), a.sort());
    // A subscriber publishing to itself: the push comes before the reply.
    sub.writeRaw('*3\r\n$7\r\nPUBLISH\r\n$2\r\nab\r\n$2\r\nm2\r\n');
    await sub.readSame();
    await sub.readSame();
    await sub.same('UNSUBSCRIBE', 'a');
    await sub.same('PUNSUBSCRIBE', 'a*');
  });

  it('RESP3: pipelined self-publishing keeps pushes and replies in order', async () => {
    await sub.both('HELLO', '3'); // carries the client id
    await sub.same('SUBSCRIBE', 'a');
    const cmds = [['PUBLISH', 'a', 'm1'], ['GET', 'k'], ['PUBLISH', 'a', 'm2'], ['PUBLISH', 'b', 'm3'], ['PUBLISH', 'a', 'm4'], ['PING']];
    sub.writeRaw(Buffer.concat(cmds.map((c) => encodeCommand(c))));
    for (let i = 0; i < 9; i++) await sub.readSame();
    await sub.same('UNSUBSCRIBE', 'a');
  });

  it('interleaved channels and subscribers with different subscriptions, pipelined publishes', async () => {
    await sub.same('SUBSCRIBE', 'x');
    await sub2.same('SUBSCRIBE', 'y');
    sub.writeRaw(encodeCommand(['SUBSCRIBE', 'z']));
    await sub.readSame();
    sub2.writeRaw(encodeCommand(['SUBSCRIBE', 'z']));
    await sub2.readSame();
    const cmds: string[][] = [];
    for (let i = 0; i < 30; i++) cmds.push(['PUBLISH', ['x', 'y', 'z'][i % 3], `m${i}`], ['PUBLISH', 'z', `z${i}`]);
    env.pair.writeRaw(Buffer.concat(cmds.map((c) => encodeCommand(c))));
    for (let i = 0; i < cmds.length; i++) await env.pair.readSame();
    for (let i = 0; i < 50; i++) await sub.readSame();
    for (let i = 0; i < 50; i++) await sub2.readSame();
  });

  it('PUBLISH delivers to channels then patterns, counting receivers', async () => {
    await sub.same('SUBSCRIBE', 'news.1');
    await sub2.same('PSUBSCRIBE', 'news.*');
    await env.pair.same('PUBLISH', 'news.1', 'hello');
    await sub.readSame();
    await sub2.readSame();
    await env.pair.same('PUBLISH', 'news.2', 'x\r\ny');
    await sub2.readSame();
    await env.pair.same('PUBLISH', 'other', 'z');
    await sub2.same('PSUBSCRIBE', 'n[ae]ws.?');
    await env.pair.same('PUBLISH', 'news.3', Buffer.from([0, 255, 13, 10]));
    const [a, b] = await readFrames(sub2, 2);
    assert.deepEqual(b.sort(), a.sort());
    // Both connections on the same channel.
    await sub2.same('SUBSCRIBE', 'news.1');
    await env.pair.same('PUBLISH', 'news.1', 'both');
    await sub.readSame();
    const [c, d] = await readFrames(sub2, 3);
    assert.deepEqual(d.sort(), c.sort());
  });

  it('sharded channels: SSUBSCRIBE, SPUBLISH, SUNSUBSCRIBE', async () => {
    await sub.same('SSUBSCRIBE', 'sh');
    await sub2.same('SUBSCRIBE', 'sh');
    await env.pair.same('SPUBLISH', 'sh', 'm');
    await sub.readSame();
    await env.pair.same('PUBLISH', 'sh', 'n');
    await sub2.readSame();
    await env.pair.same('PUBSUB', 'SHARDCHANNELS');
    await env.pair.same('PUBSUB', 'SHARDCHANNELS', 's*');
    await env.pair.same('PUBSUB', 'SHARDNUMSUB', 'sh', 'none');
    await env.pair.same('PUBSUB', 'SHARDNUMSUB');
    await sub.same('SUNSUBSCRIBE', 'sh');
    await env.pair.same('SPUBLISH', 'sh', 'm');
  });

  it('PUBSUB introspection in RESP2 and RESP3', async () => {
    await sub.same('SUBSCRIBE', 'c1', 'c2');
    await sub.readSame();
    await sub2.same('SUBSCRIBE', 'c1');
    await sub2.same('PSUBSCRIBE', 'p1', 'p2');
    await sub2.readSame();
    await sub.same('PSUBSCRIBE', 'p1');
    for (const proto of ['2', '3']) {
      const p = env.pair;
      await p.both('HELLO', proto);
      await p.sameUnordered('PUBSUB', 'CHANNELS');
      await p.sameUnordered('PUBSUB', 'CHANNELS', 'c*');
      await p.same('PUBSUB', 'CHANNELS', 'x*');
      await p.same('PUBSUB', 'CHANNELS', 'a', 'b');
      await p.same('PUBSUB', 'NUMSUB', 'c1', 'c2', 'c3');
      await p.same('PUBSUB', 'NUMSUB');
      await p.same('PUBSUB', 'NUMPAT');
      await p.same('PUBSUB', 'NUMPAT', 'x');
      await p.same('PUBSUB', 'HELP');
      await p.same('PUBSUB', 'NOSUCH');
      await p.same('PUBSUB');
    }
  });

  it('UNSUBSCRIBE without arguments leaves every channel', async () => {
    await sub.same('SUBSCRIBE', 'a', 'b', 'c');
    await sub.readSame();
    await sub.readSame();
    await sub.same('PSUBSCRIBE', 'x');
    sub.writeRaw('*1\r\n$11\r\nUNSUBSCRIBE\r\n');
    const [a, b] = await readFrames(sub, 3);
    // Redis walks its dict: names may come in another order, counts go down by one.
    const shape = (frames: string[]): unknown => ({
      names: frames.map((f) => String(((parse(f) as { v: RespValue[] }).v[1] as { v: unknown }).v)).sort(),
      counts: frames.map((f) => Number(((parse(f) as { v: RespValue[] }).v[2] as { v: unknown }).v)),
    });
    assert.deepEqual(shape(b), shape(a));
    await sub.same('PUNSUBSCRIBE');
    await env.pair.same('PUBSUB', 'NUMSUB', 'a', 'b', 'c');
  });

  it('RESET and disconnect unsubscribe everything', async () => {
    await sub.same('SUBSCRIBE', 'a');
    await sub.same('PSUBSCRIBE', 'a*');
    await sub.same('SSUBSCRIBE', 'sa');
    await sub.same('RESET');
    await env.pair.same('PUBLISH', 'a', 'x');
    await env.pair.same('SPUBLISH', 'sa', 'x');
    await env.pair.same('PUBSUB', 'NUMPAT');
    const extra = await env.connect();
    await extra.same('SUBSCRIBE', 'gone');
    await extra.same('PSUBSCRIBE', 'g*');
    await env.pair.same('PUBLISH', 'gone', 'x');
    extra.close();
    await sleep(100);
    await env.pair.same('PUBLISH', 'gone', 'x');
    await env.pair.same('PUBSUB', 'NUMSUB', 'gone');
    await env.pair.same('PUBSUB', 'NUMPAT');
  });

  it('RESP3: SUBSCRIBE and PUBLISH inside MULTI, protocol switches while subscribed', async () => {
    await sub.both('HELLO', '3'); // carries the client id
    await sub.same('MULTI');
    await sub.same('SUBSCRIBE', 'x');
    await sub.same('PUBLISH', 'x', 'self');
    // Redis 7.0 writes the self-delivered push inside EXEC's array, which
    // then ends one element early: the PUBLISH reply arrives on its own.
    await sub.same('EXEC');
    await sub.readSame();
    await sub.both('HELLO', '2');
    await sub.same('GET', 'k');
    await sub.same('HELLO', '3');
    await sub.same('PING');
  });

  it('SUBSCRIBE inside MULTI, and EXEC rejected in subscribe mode', async () => {
    await sub.same('MULTI');
    await sub.same('SUBSCRIBE', 'x');
    await sub.same('PUBLISH', 'x', 'self');
    await sub.same('EXEC');
    await sub.same('UNSUBSCRIBE');
  });
});
