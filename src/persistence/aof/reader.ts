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
/** Redis reads the AOF with fgets into a buffer of this size (AOF_ANNOTATION_LINE_MAX_LEN). */
const LINE_MAX = 1024;

/** Sequential reader over one AOF file's bytes. */
export class AofReader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
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
      const head = this.line();
      if (head === null) return { kind: 'eof' };
      if (head[0] === '#') continue;
      if (head[0] !== '*') return { kind: 'format', offset: start, reason: `Expected '*', got '${head[0]}'` };
      // A lone '*' at the very end is a torn write, as in Redis (buf[1] == '\0').
      if (head.length === 1) return { kind: 'truncated', offset: start };
      const argc = Number.parseInt(head.slice(1), 10);
      if (!(argc >= 1)) return { kind: 'format', offset: start, reason: 'Invalid number of arguments' };
      const argv: string[] = new Array(argc);
      for (let j = 0; j < argc; j++) {
        const at = this.pos;
        const l = this.line();
        if (l === null) return { kind: 'truncated', offset: start };
        if (l[0] !== '$') return { kind: 'format', offset: at, reason: `Expected '$', got '${l[0]}'` };
        const len = Number.parseInt(l.slice(1), 10) || 0;
        if (!l.endsWith('\n') && this.pos >= this.buf.length) return { kind: 'truncated', offset: start };
        if (this.pos + len + 2 > this.buf.length) return { kind: 'truncated', offset: start };
        argv[j] = this.buf.toString('latin1', this.pos, this.pos + len);
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
