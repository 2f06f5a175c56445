/**
 * A minimal RESP client for tests: sends raw bytes or commands and returns the
 * raw bytes of each complete reply, so differential tests can compare servers
 * byte for byte.
 */
import net from 'node:net';
import { readReply, replyLength, type RespValue } from '../../src/protocol/resp-reader.js';

export function encodeCommand(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => {
        s.setNoDelay(true);
        resolve(new RawClient(s));
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitData(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Reads one complete reply's raw bytes (latin1 string). Throws on timeout or close. */
  async readRaw(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = this.buf.length > 0 ? replyLength(this.buf) : -1;
      if (n >= 0) {
        const out = this.buf.toString('latin1', 0, n);
        this.buf = this.buf.subarray(n);
        return out;
      }
      if (this.closed) throw new Error(`connection closed (pending ${JSON.stringify(this.buf.toString('latin1'))})`);
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitData(left))) throw new Error('timed out waiting for a reply');
    }
  }

  /** Sends one command and returns the raw reply. */
  async call(...args: (string | Buffer)[]): Promise<string> {
    this.writeRaw(encodeCommand(args));
    return this.readRaw();
  }

  /** Sends one command and returns the parsed reply. */
  async callValue(...args: (string | Buffer)[]): Promise<RespValue> {
    const raw = await this.call(...args);
    return readReply(Buffer.from(raw, 'latin1'))![0];
  }

  /** Everything received so far that is not yet consumed. */
  pending(): string {
    return this.buf.toString('latin1');
  }

  /** Resolves true when the server closes the connection within the timeout. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.waitData(left);
    }
    return true;
  }

  close(): void {
    this.socket.destroy();
  }
}
