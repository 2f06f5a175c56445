/**
 * Incremental parser for client requests: RESP arrays of bulk strings and
 * inline (telnet) commands. Flat and bounded: it never recurses, never holds
 * more than the unconsumed tail of the input plus one large argument, and
 * reports Redis's protocol errors verbatim (the caller replies, then closes).
 *
 * Arguments come out as latin1 strings: one JS character per byte, lossless.
 */

/** Inline requests and length lines longer than this are rejected (Redis's PROTO_INLINE_MAX_SIZE). */
const INLINE_MAX = 64 * 1024;
/** A bulk argument at least this large that is not yet complete is read into its own buffer. */
const BIG_ARG = 32 * 1024;
/** Redis caps a multibulk count at INT_MAX. */
const INT_MAX = 2147483647;

export class ProtocolError extends Error {}

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

const EMPTY = Buffer.alloc(0) as Latin1Buffer;

export class RequestParser {
  private buf: Latin1Buffer = EMPTY;
  private pos = 0;
  /** Arguments still expected for the multibulk being parsed; 0 between commands. */
  private argsLeft = 0;
  private argv: string[] = [];
  /** Length of the bulk whose header has been read, or -1. */
  private bulkLen = -1;
  /** Destination for one large argument that spans reads. */
  private big: Buffer | null = null;
  private bigFilled = 0;
  /** `buf` is (part of) the chunk last fed, which its owner may reuse after the read. */
  private borrowed = false;

  /** Set by the connection: unauthenticated clients get tighter limits, as in Redis. */
  authenticated = true;
  maxBulkLen = 512 * 1024 * 1024;

  /** Appends a chunk read from the socket. */
  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const want = this.big.length - this.bigFilled;
      const n = Math.min(want, chunk.length);
      chunk.copy(this.big, this.bigFilled, 0, n);
      this.bigFilled += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk as Latin1Buffer;
      this.borrowed = true;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]) as Latin1Buffer;
      this.borrowed = false;
    }
    this.pos = 0;
  }

  /**
   * The chunk last fed is about to be reused by its owner (a shared read
   * buffer): keeps a private copy of the bytes not yet consumed.
   */
  release(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    this.buf = this.pos >= this.buf.length ? EMPTY : (Buffer.from(this.buf.subarray(this.pos)) as Latin1Buffer);
    this.pos = 0;
  }

  /** Bytes received but not yet turned into a command (Redis's query buffer). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + this.bigFilled;
  }

  /**
   * Returns the next complete command, or null when more input is needed.
   * Empty commands (`*0`, blank inline lines) are skipped.
   * @throws ProtocolError with Redis's message; the stream is unusable after.
   */
  next(): string[] | null {
    if (this.argsLeft === 0 && this.pos < this.buf.length && this.buf[this.pos] === 42) {
      const argv = this.completeMultibulk();
      if (argv !== undefined) return argv;
    }
    for (;;) {
      if (this.argsLeft === 0) {
        if (this.big !== null) throw new ProtocolError('internal: big argument outside multibulk');
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] === 42 /* '*' */) {
          const n = this.readLength(INT_MAX, 'too big mbulk count string', 'invalid multibulk length');
          if (n === null) return null;
          if (!this.authenticated && n > 10) throw new ProtocolError('Protocol error: unauthenticated multibulk length');
          if (n <= 0) continue;
          this.argsLeft = n;
          this.argv = [];
        } else {
          const argv = this.readInline();
          if (argv === null) return null;
          if (argv.length === 0) continue;
          return argv;
        }
      }
      while (this.argsLeft > 0) {
        if (this.big !== null) {
          if (this.bigFilled < this.big.length) return null;
          this.argv.push((this.big as Latin1Buffer).latin1Slice(0, this.big.length - 2));
          this.big = null;
          this.bigFilled = 0;
          this.argsLeft--;
          continue;
        }
        if (this.bulkLen < 0) {
          if (this.pos >= this.buf.length) return null;
          const c = this.buf[this.pos];
          if (c !== 36 /* '$' */) {
            // Redis only complains once the whole line, '\r' and one more byte, is in the
            // buffer, and finds the '\r' with strchr() (a NUL before it hides it).
            const cr = this.buf.indexOf(13, this.pos);
            if (cr < 0 || cr + 1 >= this.buf.length || hasNul(this.buf, this.pos, cr)) {
              if (this.buf.length - this.pos > INLINE_MAX) throw new ProtocolError('Protocol error: too big bulk count string');
              return null;
            }
            // Redis formats this error with addReplyErrorFormat, which turns CR and LF into spaces.
            throw new ProtocolError(`Protocol error: expected '$', got '${c === 13 || c === 10 ? ' ' : String.fromCharCode(c)}'`);
          }
          const n = this.readLength(this.maxBulkLen, 'too big bulk count string', 'invalid bulk length');
          if (n === null) return null;
          if (n < 0) throw new ProtocolError('Protocol error: invalid bulk length');
          if (!this.authenticated && n > 16384) throw new ProtocolError('Protocol error: unauthenticated bulk length');
          this.bulkLen = n;
        }
        const end = this.pos + this.bulkLen;
        if (end + 2 <= this.buf.length) {
          this.argv.push(this.buf.latin1Slice(this.pos, end));
          // Like Redis, the two bytes after a bulk are skipped, not checked.
          this.pos = end + 2;
          this.bulkLen = -1;
          this.argsLeft--;
        } else if (this.bulkLen >= BIG_ARG) {
          this.big = Buffer.allocUnsafe(this.bulkLen + 2);
          this.bigFilled = this.buf.copy(this.big, 0, this.pos);
          this.pos = this.buf.length;
          this.bulkLen = -1;
        } else {
          return null;
        }
      }
      const argv = this.argv;
      this.argv = [];
      return argv;
    }
  }

  /** The last command name seen; reused when the next one has the same bytes. */
  private lastName = '';

  /**
   * The command name at buf[p, p+l). Clients usually repeat the same few
   * commands, so reusing the previous string saves an allocation and lets the
   * command lookup hit a string whose hash V8 has already computed.
   */
  private commandName(buf: Latin1Buffer, p: number, l: number): string {
    const last = this.lastName;
    if (last.length === l) {
      let j = 0;
      while (j < l && buf[p + j] === last.charCodeAt(j)) j++;
      if (j === l) return last;
    }
    const name = buf.latin1Slice(p, p + l);
    if (l <= 32) this.lastName = name;
    return name;
  }

  /**
   * Fast path for the common case: a well-formed multibulk command that is
   * entirely in the buffer. Plain byte loops, no state changes unless it
   * succeeds. Returns undefined for anything else (incomplete input, odd
   * lengths, errors), which the general path then handles with Redis's rules.
   */
  private completeMultibulk(): string[] | undefined {
    const buf = this.buf;
    const len = buf.length;
    let p = this.pos + 1;
    let c = 0;
    let n = 0;
    const digits = p;
    while (p < len && (c = buf[p]) >= 48 && c <= 57) {
      n = n * 10 + c - 48;
      p++;
    }
    if (p === digits || p + 1 >= len || c !== 13 || buf[digits] === 48 || n > 1024 * 1024) return undefined;
    if (!this.authenticated && n > 10) return undefined;
    p += 2;
    const argv: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (p >= len || buf[p] !== 36) return undefined;
      const start = ++p;
      let l = 0;
      while (p < len && (c = buf[p]) >= 48 && c <= 57) {
        l = l * 10 + c - 48;
        p++;
      }
      if (p === start || p + 1 >= len || c !== 13 || (buf[start] === 48 && p - start > 1) || l > this.maxBulkLen) return undefined;
      if (!this.authenticated && l > 16384) return undefined;
      p += 2;
      if (p + l + 2 > len) return undefined;
      argv[i] = i === 0 ? this.commandName(buf, p, l) : buf.latin1Slice(p, p + l);
      p += l + 2;
    }
    this.pos = p;
    return argv;
  }

  /**
   * Reads `<prefix><integer>\r\n` at pos. Returns null if incomplete.
   * Like Redis, the line ends at the first '\r' and one more byte is skipped.
   */
  private readLength(max: number, tooBig: string, invalid: string): number | null {
    const buf = this.buf;
    const cr = buf.indexOf(13, this.pos);
    if (cr < 0) {
      if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError(`Protocol error: ${tooBig}`);
      return null;
    }
    if (cr + 1 >= buf.length) return null;
    const n = parseStrictInt(buf, this.pos + 1, cr);
    if (n === null || n > max) {
      // Redis finds the '\r' with strchr(), which stops at a NUL: such a line is "not complete yet".
      if (hasNul(buf, this.pos, cr)) {
        if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError(`Protocol error: ${tooBig}`);
        return null;
      }
      throw new ProtocolError(`Protocol error: ${invalid}`);
    }
    this.pos = cr + 2;
    return n;
  }

  private readInline(): string[] | null {
    const buf = this.buf;
    const nl = buf.indexOf(10, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = buf.latin1Slice(this.pos, end);
    // Redis finds the newline with strchr(), which stops at a NUL byte: a NUL
    // before the newline means "no complete line yet" (until the 64KB limit).
    if (line.indexOf('\0') >= 0) {
      if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return argv;
  }
}

/**
 * Parses a decimal integer the way Redis's string2ll does: optional '-', no
 * '+', no leading zeros, no spaces. Returns null when invalid. Values are
 * exact up to 2^53, which covers every length the protocol accepts.
 */
function parseStrictInt(buf: Buffer, start: number, end: number): number | null {
  if (start >= end) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48) return end - i === 1 && !neg ? 0 : null;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
    if (n > Number.MAX_SAFE_INTEGER) return null;
  }
  return neg ? -n : n;
}

/** True when buf[start..end) holds a NUL byte. */
function hasNul(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits an inline command line into arguments with the quoting rules of
 * Redis's sdssplitargs: double quotes with \xHH and C escapes, single quotes
 * with only \' escaped, and a closing quote that must be followed by a space.
 * Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && hexValue(line.charCodeAt(i + 2)) >= 0 && hexValue(line.charCodeAt(i + 3)) >= 0) {
          cur += String.fromCharCode(hexValue(line.charCodeAt(i + 2)) * 16 + hexValue(line.charCodeAt(i + 3)));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          inDq = false;
          i++;
          break;
        } else {
          cur += c;
        }
        i++;
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          inSq = false;
          i++;
          break;
        } else {
          cur += c;
        }
        i++;
      } else {
        if (i >= n) break;
        const c = line[i];
        if (isSpace(c.charCodeAt(0))) break;
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
        i++;
      }
    }
    out.push(cur);
  }
}
