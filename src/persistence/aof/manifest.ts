/**
 * Redis 7.0's multi-part AOF manifest: one line per file,
 * `file <name> seq <n> type <b|h|i>`, base first, then history, then incr
 * files in sequence order. File names follow `<appendfilename>.<seq>.base.rdb`
 * (an RDB image, aof-use-rdb-preamble yes) or `.base.aof` (commands), and
 * `<appendfilename>.<seq>.incr.aof`. Parsing accepts what Redis accepts
 * (comment lines, keys in any order and any case, unknown keys for forward
 * compatibility, quoted names) and rejects what it rejects, with its texts.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface Manifest {
  base: AofFileInfo | null;
  history: AofFileInfo[];
  incrs: AofFileInfo[];
  /** Highest sequence numbers handed out so far. */
  baseSeq: number;
  incrSeq: number;
}

/** Thrown for a manifest Redis would refuse; `line` is the offending line (trimmed), if any. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly lineNumber: number,
    readonly line: string | null,
  ) {
    super(message);
  }
}

const MAX_LINE = 1024;

export function emptyManifest(): Manifest {
  return { base: null, history: [], incrs: [], baseSeq: 0, incrSeq: 0 };
}

export function manifestName(appendfilename: string): string {
  return `${appendfilename}.manifest`;
}

export function tempManifestName(appendfilename: string): string {
  return `temp-${appendfilename}.manifest`;
}

/** Name of the incr file that accumulates writes while AOF is being turned on at runtime. */
export function tempIncrName(appendfilename: string): string {
  return `temp-${appendfilename}.incr`;
}

/** The base file's name; the suffix tells the format, as Redis names it (the loader still sniffs the bytes). */
export function baseFileName(appendfilename: string, seq: number, rdb: boolean): string {
  return `${appendfilename}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
}

export function incrFileName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** Splits a line like sdssplitargs: spaces separate, "..." and '...' quote (with escapes in "..."). */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (true) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) return out;
    let cur = '';
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quotes
        const ch = line[i];
        if (q === '"' && ch === '\\' && i + 1 < line.length) {
          const n = line[i + 1];
          if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          const esc: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
          cur += esc[n] ?? n;
          i += 2;
          continue;
        }
        if (q === "'" && ch === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (ch === q) {
          i++;
          // A closing quote must be followed by a space or the end.
          if (i < line.length && !/\s/.test(line[i])) return null;
          break;
        }
        cur += ch;
        i++;
      }
    } else {
      while (i < line.length && !/\s/.test(line[i])) cur += line[i++];
    }
    out.push(cur);
  }
}

/** Parses a manifest's text (latin1) as Redis's aofLoadManifestFromFile does. */
export function parseManifest(text: string): Manifest {
  const m = emptyManifest();
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', 0, null);
  const rawLines = text.split(/(?<=\n)/);
  let lineNumber = 0;
  let maxIncr = 0;
  for (const raw of rawLines) {
    lineNumber++;
    if (raw.startsWith('#')) continue;
    if (!raw.endsWith('\n') || raw.length > MAX_LINE) {
      throw new ManifestError('The AOF manifest file contains too long line', lineNumber, null);
    }
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const fail = (msg: string): never => {
      throw new ManifestError(msg, lineNumber, line);
    };
    if (line.length === 0) fail('Invalid AOF manifest file format');
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) fail('Invalid AOF manifest file format');
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv!.length; i += 2) {
      const k = argv![i].toLowerCase();
      if (k === 'file') {
        name = argv![i + 1];
        if (name.includes('/')) fail("File can't be a path, just a filename");
      } else if (k === 'seq') seq = atoll(argv![i + 1]);
      else if (k === 'type') type = argv![i + 1][0] ?? '';
    }
    if (name === null || name === '' || seq === 0 || type === '') fail('Invalid AOF manifest file format');
    const info: AofFileInfo = { name: name!, seq, type: type as AofFileType };
    if (type === 'b') {
      if (m.base !== null) fail('Found duplicate base file information');
      m.base = info;
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push(info);
    } else if (type === 'i') {
      if (seq <= maxIncr) fail('Found a non-monotonic sequence number');
      m.incrs.push(info);
      m.incrSeq = maxIncr = seq;
    } else fail('Unknown AOF file type');
  }
  return m;
}

/** C atoll: leading spaces, optional sign, digits; 0 when there are none. */
function atoll(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** Formats a manifest the way Redis writes it (names needing it are quoted like sdscatrepr). */
export function formatManifest(m: Manifest): string {
  let out = '';
  const line = (f: AofFileInfo) => (out += `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`);
  if (m.base !== null) line(m.base);
  for (const h of m.history) line(h);
  for (const i of m.incrs) line(i);
  return out;
}

function quoteName(name: string): string {
  if (!/[\s"'\\]|[^\x21-\x7e]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c > 0x7e) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** A deep copy, so a change can be prepared and committed only once it is on disk. */
export function cloneManifest(m: Manifest): Manifest {
  return {
    base: m.base === null ? null : { ...m.base },
    history: m.history.map((f) => ({ ...f })),
    incrs: m.incrs.map((f) => ({ ...f })),
    baseSeq: m.baseSeq,
    incrSeq: m.incrSeq,
  };
}
