/**
 * A replica-side connection to the oracle that collects what it propagates:
 * after SYNC, redis-server sends an RDB payload and then every propagated
 * command (what its AOF would hold), which tests compare with what respite
 * hands to its propagation sinks.
 */
import net from 'node:net';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';

export class SyncStream {
  private buf = Buffer.alloc(0);
  private rdbDone = false;
  /** Propagated commands, without PING keepalives and SELECTs. */
  readonly commands: string[][] = [];

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    sock.on('error', () => {});
  }

  static open(port: number): SyncStream {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.write('SYNC\r\n');
    return new SyncStream(s);
  }

  private parse(): void {
    if (!this.rdbDone) {
      // Newlines are keepalives sent while the RDB is produced.
      let i = 0;
      while (i < this.buf.length && this.buf[i] === 10) i++;
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

  /** Waits until the RDB payload has been received (the stream starts after it). */
  async ready(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.rdbDone) {
      if (Date.now() > deadline) throw new Error('no RDB payload after SYNC');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until a command with the given first arguments shows up. */
  async waitFor(...head: string[]): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.commands.some((c) => head.every((h, i) => c[i] === h))) {
      if (Date.now() > deadline) throw new Error(`no ${head.join(' ')} in the replication stream`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.sock.destroy();
  }
}
