/**
 * Reads commands out of an AOF file's bytes the way Redis's loader does:
 * `#...` annotation lines (such as `#TS:<unix time>`) are skipped, every
 * command is a RESP array of bulk strings, and two results are told apart:
 * a file that simply stops mid-command (a torn tail: "truncated") and bytes
 * that cannot be a command at all ("format").
 */

export type AofRead =
  | { kind: 'command'; argv: string[]; start: number; end: number }
  | { kind: 'eof' }
  | { kind: 'truncated'; offset: number }
  | { kind: 'format'; offset: number; reason: string };

const LF = 0x0a;
const CR = 0x0d;
const STAR = 0x2a;
const DOLLAR = 0x24;

/** Node's Buffer method behind toString('latin1'), without its argument handling (hot when loading). */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}
/** Redis reads the AOF with fgets into a buffer of this size (AOF_ANNOTATION_LINE_MAX_LEN). */
const LINE_MAX = 1024;

/** Sequential reader over one AOF file's bytes. */
export class AofReader {
  pos: number;
  /** Where the line read by smallNumberLine ends. */
  private lineEnd = 0;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /**
   * The fast path for the usual `*<digits>\r\n` / `$<digits>\r\n` line at
   * `at`: its number (and `lineEnd`), or -1 when the line is anything else,
   * which the general path then reads exactly as fgets/atoi would.
   */
  private smallNumberLine(at: number): number {
    const b = this.buf;
    const max = Math.min(b.length, at + 12);
    let i = at + 1;
    let n = 0;
    for (; i < max; i++) {
      const c = b[i] - 0x30;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === at + 1 || i + 1 >= b.length || b[i] !== CR || b[i + 1] !== LF) return -1;
    this.lineEnd = i + 2;
    return n;
  }

  /** A line as fgets returns it (at most LINE_MAX-1 bytes, including the LF), or null at EOF. */
  private line(): string | null {
    if (this.pos >= this.buf.length) return null;
    const limit = Math.min(this.buf.length, this.pos + LINE_MAX - 1);
    let end = this.buf.indexOf(LF, this.pos);
    end = end < 0 || end >= limit ? limit : end + 1;
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end;
    return s;
  }

  /** The next command, or why there is none. */
  next(): AofRead {
    for (;;) {
      const start = this.pos;
      let argc = this.buf[start] === STAR ? this.smallNumberLine(start) : -1;
      if (argc >= 1) this.pos = this.lineEnd;
      else {
        const head = this.line();
        if (head === null) return { kind: 'eof' };
        if (head[0] === '#') continue;
        if (head[0] !== '*') return { kind: 'format', offset: start, reason: `Expected '*', got '${head[0]}'` };
        // A lone '*' at the very end is a torn write, as in Redis (buf[1] == '\0').
        if (head.length === 1) return { kind: 'truncated', offset: start };
        argc = Number.parseInt(head.slice(1), 10);
        if (!(argc >= 1)) return { kind: 'format', offset: start, reason: 'Invalid number of arguments' };
      }
      const argv: string[] = new Array(argc);
      for (let j = 0; j < argc; j++) {
        const at = this.pos;
        let len = this.buf[at] === DOLLAR ? this.smallNumberLine(at) : -1;
        if (len >= 0) this.pos = this.lineEnd;
        else {
          const l = this.line();
          if (l === null) return { kind: 'truncated', offset: start };
          if (l[0] !== '$') return { kind: 'format', offset: at, reason: `Expected '$', got '${l[0]}'` };
          len = Number.parseInt(l.slice(1), 10) || 0;
          if (!l.endsWith('\n') && this.pos >= this.buf.length) return { kind: 'truncated', offset: start };
        }
        if (this.pos + len + 2 > this.buf.length) return { kind: 'truncated', offset: start };
        argv[j] = (this.buf as Latin1Buffer).latin1Slice(this.pos, this.pos + len);
        this.pos += len + 2;
      }
      return { kind: 'command', argv, start, end: this.pos };
    }
  }
}

/** True when the bytes start with an RDB header (an RDB-format base or preamble). */
export function hasRdbPreamble(buf: Buffer): boolean {
  return buf.length >= 5 && buf.toString('latin1', 0, 5) === 'REDIS';
}
