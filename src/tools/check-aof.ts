/**
 * `respite --check-aof <file|manifest> [--fix]`: the redis-check-aof of
 * respite. It validates one AOF file, or every file a manifest lists, reports
 * the first bad offset, and with --fix truncates a torn tail of the last file
 * at the end of its last complete command (no prompt, unlike redis-check-aof).
 * A bad command in the middle of a file cannot be fixed by truncation alone
 * and is only reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AofReader, hasRdbPreamble } from '../persistence/aof/reader.js';
import { parseManifest, ManifestError } from '../persistence/aof/manifest.js';
import { DEFAULT_LIMITS } from '../persistence/rdb/decode.js';
import { loadRdb } from '../persistence/rdb/file.js';
import { Server } from '../server.js';

export interface AofCheck {
  size: number;
  /** Offset after the last valid command (or before an unfinished MULTI). */
  okUpTo: number;
  okUpToLine: number;
  /** null: valid; 'truncated': ends mid-command; 'format': bytes that are not a command; 'rdb': a bad RDB preamble. */
  problem: null | 'truncated' | 'format' | 'rdb';
  /** Where the problem starts (for 'format', the bad byte's offset). */
  badOffset: number;
  reason: string;
}

/** Checks one AOF file's bytes. */
export function checkAofBytes(buf: Buffer): AofCheck {
  const res: AofCheck = { size: buf.length, okUpTo: 0, okUpToLine: 0, problem: null, badOffset: -1, reason: '' };
  let start = 0;
  if (hasRdbPreamble(buf)) {
    // An RDB base or preamble: the image must load (checksum included), then any command tail is checked.
    try {
      start = res.okUpTo = loadRdb(buf, new Server({ log: null, config: { save: '' } }).dbs, { limits: DEFAULT_LIMITS, checksum: true, now: null }).end;
    } catch (e) {
      return { ...res, problem: 'rdb', badOffset: 0, reason: `RDB preamble is not valid: ${(e as Error).message}` };
    }
  }
  const reader = new AofReader(buf, start);
  let inMulti = -1;
  for (;;) {
    const r = reader.next();
    if (r.kind === 'eof') break;
    if (r.kind === 'command') {
      const name = r.argv[0].toLowerCase();
      if (name === 'multi') {
        if (inMulti >= 0) return finish(res, buf, 'format', r.start, 'Unexpected MULTI');
        inMulti = res.okUpTo;
      } else if (name === 'exec') {
        if (inMulti < 0) return finish(res, buf, 'format', r.start, 'Unexpected EXEC');
        inMulti = -1;
      }
      res.okUpTo = r.end;
      continue;
    }
    if (inMulti >= 0) res.okUpTo = inMulti;
    return finish(res, buf, r.kind, r.offset, r.kind === 'truncated' ? 'Unexpected end of file' : r.reason);
  }
  if (inMulti >= 0) {
    res.okUpTo = inMulti;
    return finish(res, buf, 'truncated', inMulti, 'Reached EOF before reading EXEC for MULTI');
  }
  res.okUpToLine = countLines(buf, res.okUpTo);
  return res;
}

function finish(res: AofCheck, buf: Buffer, problem: 'truncated' | 'format', at: number, reason: string): AofCheck {
  res.problem = problem;
  res.badOffset = at;
  res.reason = reason;
  // Like redis-check-aof, the line reported is the one being read when the check stopped.
  res.okUpToLine = countLines(buf, problem === 'truncated' ? buf.length : at + 1);
  return res;
}

function countLines(buf: Buffer, upTo: number): number {
  let n = 1;
  for (let i = buf.indexOf(10); i >= 0 && i < upTo; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Runs the check-aof mode; returns the process exit code. */
export function runCheckAof(args: readonly string[], print: (line: string) => void = (l) => console.log(l)): number {
  const fix = args.includes('--fix');
  const target = args.find((a) => !a.startsWith('--'));
  if (target === undefined) {
    print('Usage: respite --check-aof [--fix] <file.manifest|file.aof>');
    return 1;
  }
  if (!fs.existsSync(target)) {
    print(`Cannot open file ${target}: No such file or directory`);
    return 1;
  }
  if (!target.endsWith('.manifest')) return checkOne(target, path.basename(target), true, fix, print) ? 0 : 1;
  let files: string[];
  try {
    const m = parseManifest(fs.readFileSync(target, 'latin1'));
    files = [...(m.base ? [m.base.name] : []), ...m.incrs.map((i) => i.name)];
  } catch (e) {
    print(`Invalid AOF manifest file format: ${e instanceof ManifestError ? e.message : (e as Error).message}`);
    return 1;
  }
  print('Start checking Multi Part AOF');
  const dir = path.dirname(target);
  for (let i = 0; i < files.length; i++) {
    if (!checkOne(path.join(dir, files[i]), files[i], i === files.length - 1, fix, print)) return 1;
  }
  print('All AOF files and manifest are valid');
  return 0;
}

function checkOne(file: string, name: string, last: boolean, fix: boolean, print: (line: string) => void): boolean {
  const r = checkAofBytes(fs.readFileSync(file));
  if (r.problem === null) {
    print(`AOF ${name} is valid`);
    return true;
  }
  if (r.problem === 'rdb') {
    print(`AOF ${name}: ${r.reason}`);
    print(`AOF ${name} is not valid.`);
    return false;
  }
  print(`0x${r.badOffset.toString(16).padStart(8, '0')}: ${r.reason}`);
  print(`AOF analyzed: filename=${name}, size=${r.size}, ok_up_to=${r.okUpTo}, ok_up_to_line=${r.okUpToLine}, diff=${r.size - r.okUpTo}`);
  if (!fix) {
    print(`AOF ${name} is not valid. Use the --fix option to try fixing it.`);
    return false;
  }
  if (r.problem === 'format' || !last) {
    print(`AOF ${name}: the problem is not a torn tail of the last file; truncating would drop valid commands. Not fixed.`);
    return false;
  }
  fs.truncateSync(file, r.okUpTo);
  print(`Successfully truncated AOF ${name} to ${r.okUpTo} bytes`);
  return true;
}
