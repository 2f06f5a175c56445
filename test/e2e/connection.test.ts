/**
 * Connection behaviour end to end over real sockets: slow readers, maxclients,
 * idle timeout, AUTH, unix sockets, QUIT and the query buffer limit. Expected
 * behaviour is Redis 7.0's (texts checked against redis-server where noted).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { encodeCommand, RawClient } from '../support/raw-client.js';
import { Rng } from '../support/random.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Round-trip time of one PING on a fresh connection, in ms. */
async function pingMs(port: number): Promise<number> {
  const c = await RawClient.connect(port);
  const t = Date.now();
  assert.equal(await c.call('PING'), '+PONG\r\n');
  c.close();
  return Date.now() - t;
}

describe('e2e: a client that never reads its replies', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  it('does not stop other clients from being served, and its output stays bounded', async () => {
    const setup = await RawClient.connect(srv.port);
    const value = 'v'.repeat(1024 * 1024);
    assert.equal(await setup.call('SET', 'big', value), '+OK\r\n');
    // The hog sends GETs in many small writes and never reads (paused socket, small receive buffer).
    const hog = net.connect({ port: srv.port, host: '127.0.0.1' });
    await new Promise((r) => hog.once('connect', r));
    hog.pause();
    const get = encodeCommand(['GET', 'big']);
    let stop = false;
    const writer = (async () => {
      for (let i = 0; i < 400 && !stop; i++) {
        hog.write(get);
        await sleep(2);
      }
    })();
    const rss0 = process.memoryUsage().rss;
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      worst = Math.max(worst, await pingMs(srv.port));
      await sleep(25);
    }
    stop = true;
    await writer;
    // The server stopped reading the hog once its pending output passed 64MB.
    const hogClient = [...srv.server.clients.values()].find((c) => c.socket !== null && c.socket.remotePort === hog.localPort);
    assert.ok(hogClient !== undefined);
    const pendingOut = hogClient.socket!.writableLength + hogClient.out.length;
    assert.ok(pendingOut < 200 * 1024 * 1024, `pending output ${pendingOut} bytes`);
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(grew < 400 * 1024 * 1024, `rss grew by ${grew}`);
    assert.ok(worst < 1000, `a PING took ${worst} ms`);
    hog.destroy();
    setup.close();
  });
});

describe('e2e: one read that asks for more output than a JS string can hold', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  it('1100 GETs of a 1MB value in one write are all answered', async () => {
    // Redis answers these in full (normal clients have no output limit); 1.1GB exceeds V8's max string length.
    const c = await RawClient.connect(srv.port);
    const value = 'x'.repeat(1 << 20);
    assert.equal(await c.call('SET', 'k', value), '+OK\r\n');
    c.close();
    const s = net.connect({ port: srv.port, host: '127.0.0.1' });
    await new Promise((r) => s.once('connect', r));
    const want = 1100 * (value.length + 12);
    const got = await new Promise<number>((resolve) => {
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= want) resolve(n);
      });
      s.on('close', () => resolve(n));
      s.on('error', () => resolve(n));
      setTimeout(() => resolve(n), 20000);
      s.write(encodeCommand(['GET', 'k']).toString('latin1').repeat(1100), 'latin1');
    });
    s.destroy();
    assert.equal(got, want);
    assert.ok((await pingMs(srv.port)) < 1000);
  });
});

describe('e2e: maxclients', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ maxclients: '2' });
  });
  after(() => srv.close());

  it('the third connection gets the Redis error and is closed; a slot frees on disconnect', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    assert.equal(await a.call('PING'), '+PONG\r\n');
    assert.equal(await b.call('PING'), '+PONG\r\n');
    const c = await RawClient.connect(srv.port);
    assert.equal(await c.readRaw(), '-ERR max number of clients reached\r\n');
    assert.ok(await c.waitClosed());
    a.close();
    await sleep(100);
    const d = await RawClient.connect(srv.port);
    assert.equal(await d.call('PING'), '+PONG\r\n');
    b.close();
    d.close();
  });
});

describe('e2e: idle timeout', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ timeout: '1' });
  });
  after(() => srv.close());

  it('closes a client idle for more than `timeout` seconds, not an active one', async () => {
    const idle = await RawClient.connect(srv.port);
    const busy = await RawClient.connect(srv.port);
    assert.equal(await idle.call('PING'), '+PONG\r\n');
    const deadline = Date.now() + 3500;
    while (Date.now() < deadline && !idle.closed) {
      assert.equal(await busy.call('PING'), '+PONG\r\n');
      await sleep(200);
    }
    assert.ok(idle.closed, 'idle client still open after 3.5s');
    assert.ok(!busy.closed);
    assert.equal(await busy.call('PING'), '+PONG\r\n');
    busy.close();
  });
});

describe('e2e: requirepass', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ requirepass: 'pw' });
  });
  after(() => srv.close());

  it('NOAUTH before AUTH, WRONGPASS on a bad password, commands after AUTH', async () => {
    const c = await RawClient.connect(srv.port);
    assert.equal(await c.call('GET', 'x'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await c.call('AUTH', 'bad'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.equal(await c.call('AUTH', 'pw'), '+OK\r\n');
    assert.equal(await c.call('SET', 'x', '1'), '+OK\r\n');
    assert.equal(await c.call('GET', 'x'), '$1\r\n1\r\n');
    // RESET drops authentication again.
    assert.equal(await c.call('RESET'), '+RESET\r\n');
    assert.equal(await c.call('GET', 'x'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await c.call('AUTH', 'default', 'pw'), '+OK\r\n');
    c.close();
  });
});

describe('e2e: unix socket', () => {
  let srv: RunningServer;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-unix-'));
    srv = await startServer({ unixsocket: path.join(dir, 'r.sock'), unixsocketperm: '700' });
  });
  after(async () => {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves commands over the unix socket and TCP alike', async () => {
    const sockPath = path.join(dir, 'r.sock');
    assert.equal(fs.statSync(sockPath).mode & 0o777, 0o700);
    const s = net.connect({ path: sockPath });
    await new Promise((r) => s.once('connect', r));
    const reply = await new Promise<string>((resolve) => {
      let buf = '';
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        if (buf.endsWith('$2\r\nvu\r\n')) resolve(buf);
      });
      s.write(encodeCommand(['SET', 'u', 'vu']));
      s.write('GET u\r\n');
    });
    assert.equal(reply, '+OK\r\n$2\r\nvu\r\n');
    s.destroy();
    const t = await RawClient.connect(srv.port);
    assert.equal(await t.call('GET', 'u'), '$2\r\nvu\r\n');
    t.close();
  });
});

describe('e2e: QUIT and query buffer limit', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ 'client-query-buffer-limit': '1mb' });
  });
  after(() => srv.close());

  it('QUIT replies +OK then closes', async () => {
    const c = await RawClient.connect(srv.port);
    c.writeRaw(encodeCommand(['QUIT']));
    assert.equal(await c.readRaw(), '+OK\r\n');
    assert.ok(await c.waitClosed());
  });

  it('a client whose query buffer passes client-query-buffer-limit is closed; others are not', async () => {
    const c = await RawClient.connect(srv.port);
    // One bulk argument larger than the limit, arriving in pieces (Redis 7.0 closes without a reply).
    c.writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n');
    for (let i = 0; i < 15 && !c.closed; i++) {
      c.writeRaw('x'.repeat(100000));
      await sleep(10);
    }
    assert.ok(await c.waitClosed(3000), 'client was not closed');
    assert.equal(c.pending(), '');
    assert.ok((await pingMs(srv.port)) < 1000);
  });
});

describe('e2e: many clients sending commands in interleaved fragments', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  // Every socket reads into one shared buffer (src/net/socket-io.ts): a
  // client's unfinished command must survive other clients' reads.
  it('every client gets exactly its own replies, in order', async () => {
    const rng = new Rng(20261207);
    const clients = await Promise.all(Array.from({ length: 16 }, () => RawClient.connect(srv.port)));
    const sends: Promise<void>[] = [];
    const expected: string[] = [];
    for (let i = 0; i < clients.length; i++) {
      const key = `frag:${i}`;
      let value = '';
      let wire = '';
      let replies = '';
      for (let j = 0; j < 40; j++) {
        // Sizes on both sides of the parser's 32 KB big-argument threshold and the 64 KB read size.
        const size = rng.pick([0, 1, 17, 1000, 40000, 70000]);
        const piece = String.fromCharCode(97 + ((i + j) % 26)).repeat(size) + '\r\n*';
        if (rng.chance(0.5)) {
          value = piece;
          wire += encodeCommand(['SET', key, piece]).toString('latin1');
          replies += '+OK\r\n';
        } else {
          value += piece;
          wire += encodeCommand(['APPEND', key, piece]).toString('latin1');
          replies += ':' + value.length + '\r\n';
        }
        wire += encodeCommand(['GET', key]).toString('latin1');
        replies += '$' + value.length + '\r\n' + value + '\r\n';
      }
      expected.push(replies);
      const c = clients[i];
      const cuts: number[] = [];
      for (let p = 0; p < wire.length; p += rng.int(1, 9000)) cuts.push(p);
      cuts.push(wire.length);
      sends.push(
        (async () => {
          for (let k = 0; k + 1 < cuts.length; k++) {
            c.writeRaw(wire.slice(cuts[k], cuts[k + 1]));
            if (k % 8 === 0) await sleep(1);
          }
        })(),
      );
    }
    await Promise.all(sends);
    const got = await Promise.all(
      clients.map(async (c, i) => {
        let out = '';
        while (out.length < expected[i].length) out += await c.readRaw(10000);
        return out;
      }),
    );
    for (let i = 0; i < clients.length; i++) {
      assert.equal(got[i].length, expected[i].length, `client ${i}: reply bytes`);
      assert.ok(got[i] === expected[i], `client ${i}: replies differ`);
      clients[i].close();
    }
  });
});

describe('e2e: replies the kernel does not take at once', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  // Small replies are written straight to the socket's handle while nothing is
  // queued (src/net/socket-io.ts). When the peer stops reading, a write is
  // only partly taken; what follows must queue behind its remainder.
  it('arrive whole and in order, then QUIT closes after the last one', async () => {
    const rng = new Rng(7);
    let wire = '';
    let expected = '';
    let total = 0;
    for (let i = 0; total < 24 * 1024 * 1024; i++) {
      // Sizes on both sides of the 1 KB write-at-once and 64 KB direct-write
      // thresholds; only direct-write sizes until the socket buffers are surely full.
      const sizes = total < 8 * 1024 * 1024 ? [1, 300, 2000, 30000, 60000] : [1, 300, 2000, 30000, 60000, 64 * 1024 + 10, 200000];
      const size = rng.pick(sizes);
      const payload = `<${i}>` + String.fromCharCode(97 + (i % 26)).repeat(size);
      wire += encodeCommand(['ECHO', payload]).toString('latin1');
      expected += '$' + payload.length + '\r\n' + payload + '\r\n';
      total += payload.length;
    }
    wire += encodeCommand(['QUIT']).toString('latin1');
    expected += '+OK\r\n';
    const sock = net.connect({ port: srv.port, host: '127.0.0.1' });
    await new Promise((r) => sock.once('connect', r));
    sock.pause();
    sock.write(Buffer.from(wire, 'latin1'));
    // Long enough for the server to fill the socket buffers and queue the rest.
    await sleep(500);
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((r) => sock.once('end', r));
    sock.resume();
    await ended;
    sock.destroy();
    const got = Buffer.concat(chunks).toString('latin1');
    assert.equal(got.length, expected.length, 'reply bytes');
    assert.ok(got === expected, 'replies differ');
    // The server still serves others afterwards.
    assert.ok((await pingMs(srv.port)) < 1000);
  });
});
