/**
 * Side effects of the bitmap and HyperLogLog commands compared with the
 * oracle: what is propagated (the oracle's replication stream, read over a
 * raw SYNC connection, against respite's propagation sinks) and which
 * keyspace events are published.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** A replica-side connection to the oracle collecting the propagated commands. */
class SyncStream {
  private buf = Buffer.alloc(0);
  private rdbDone = false;
  readonly commands: string[][] = [];

  constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    sock.on('error', () => {});
    sock.write('SYNC\r\n');
  }

  private parse(): void {
    if (!this.rdbDone) {
      let i = 0;
      while (i < this.buf.length && this.buf[i] === 10) i++; // keepalive newlines
      const eol = this.buf.indexOf('\r\n', i);
      if (eol < 0) return;
      const len = Number(this.buf.subarray(i + 1, eol).toString('latin1'));
      if (this.buf.length < eol + 2 + len) return;
      this.buf = this.buf.subarray(eol + 2 + len);
      this.rdbDone = true;
    }
    for (;;) {
      const r = readReply(this.buf);
      if (r === null) return;
      this.buf = this.buf.subarray(r[1]);
      const argv = (r[0] as Extract<RespValue, { t: 'array' }>).v!.map((x) => (x as { v: string }).v);
      const name = argv[0].toUpperCase();
      if (name !== 'PING' && name !== 'SELECT') this.commands.push(argv);
    }
  }

  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

const SEQUENCE: string[][] = [
  ['SETBIT', 'b', '7', '1'],
  ['SETBIT', 'b', '7', '1'], // no change: not propagated, no event
  ['SETBIT', 'b', '100', '0'], // grows the string: a change
  ['SETBIT', 'b', 'x', '1'],
  ['GETBIT', 'b', '7'],
  ['BITCOUNT', 'b'],
  ['BITPOS', 'b', '1'],
  ['BITOP', 'NOT', 'd', 'b'],
  ['BITOP', 'AND', 'd', 'missing'], // deletes d
  ['BITOP', 'AND', 'd', 'missing'], // nothing to delete
  ['BITFIELD', 'f', 'GET', 'u8', '0'],
  ['BITFIELD', 'f', 'SET', 'u8', '0', '200', 'INCRBY', 'u8', '0', '100'],
  ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '100'],
  ['BITFIELD_RO', 'f', 'GET', 'u8', '0'],
  ['BITFIELD', 'nf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '9'], // key created, nothing propagated
  ['BITFIELD', 'nf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '9', 'INCRBY', 'u2', '0', '1'],
  ['BITFIELD', 'nf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '200', '9'], // grows, nothing propagated
  ['GET', 'nf'],
  ['PFADD', 'h', 'a', 'b'],
  ['PFADD', 'h', 'a'], // no register change
  ['PFADD', 'h2'],
  ['PFCOUNT', 'h'], // fills the cache: a write
  ['PFCOUNT', 'h'], // cached
  ['PFCOUNT', 'h', 'h2'],
  ['PFMERGE', 'm', 'h', 'h2'],
  ['PFDEBUG', 'TODENSE', 'm'],
  ['PFDEBUG', 'TODENSE', 'm'],
  ['SET', '__end__', '1'],
];

describe('differential: bitmap and HyperLogLog side effects', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('propagates like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const stream = new SyncStream(net.connect({ port: env.oracle.port, host: '127.0.0.1' }));
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
    try {
      await stream.until(() => (stream as unknown as { rdbDone: boolean }).rdbDone, 'the RDB payload');
      for (const c of SEQUENCE) await p.both(...c);
      await stream.until(() => stream.commands.some((c) => c[1] === '__end__'), 'the end marker');
      assert.deepEqual(ours, stream.commands);
    } finally {
      stream.close();
      env.server.server.propagationSinks.pop();
    }
  });

  it('WATCH sees the changes (PFCOUNT filling the cache included, no-op SETBIT excluded)', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('PFADD', 'h', 'a');
    await p.same('SETBIT', 'b', '3', '1');
    const cases: string[][] = [
      ['PFCOUNT', 'h'], // cache filled: a change
      ['PFCOUNT', 'h'], // cached: none
      ['PFADD', 'h', 'a'], // no register change
      ['SETBIT', 'b', '3', '1'], // same bit
      ['SETBIT', 'b', '3', '0'],
      ['BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '9'],
      ['BITFIELD_RO', 'b', 'GET', 'u8', '0'],
      ['PFMERGE', 'h', 'h'],
    ];
    for (const cmd of cases) {
      const key = cmd[1] === 'OVERFLOW' ? cmd[2] : cmd[1];
      await p.same('WATCH', key);
      await p.same(...cmd);
      await p.same('MULTI');
      await p.same('PING');
      await p.same('EXEC');
    }
  });

  it('publishes the same keyspace events', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const sub = await env.connect();
    await sub.same('PSUBSCRIBE', '__key*__:*');
    await sub.same('SUBSCRIBE', 'end-of-test');
    try {
      for (const c of SEQUENCE) await p.both(...c);
      await p.same('PUBLISH', 'end-of-test', 'x');
      for (let n = 0; ; n++) {
        const msg = await sub.readSame();
        if (msg.includes('end-of-test')) break;
        assert.ok(n < 1000, 'too many events');
      }
    } finally {
      await p.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});
