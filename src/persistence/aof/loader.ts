/**
 * Start-up replay of a multi-part AOF: the base file, then every incr file
 * in manifest order. A file starting with "REDIS" begins with an RDB image
 * (a `.base.rdb` base, or the RDB preamble of a Redis < 7 appendonly.aof),
 * loaded by the RDB decoder; any commands after its trailer are replayed as
 * usual. Commands run in a socketless client like Redis's fake AOF client
 * (handlers called directly: no command stats, no replies kept, no
 * propagation). While loading, `server.loading` is set, so
 * nothing expires and past absolute expiries are stored rather than applied
 * (Redis's checkAlreadyExpired): the DELs the file recorded reproduce the
 * expirations exactly.
 *
 * A torn tail in the last file is cut at the end of the last complete
 * command (or before an unfinished MULTI) when aof-load-truncated is yes;
 * anything else wrong is an AofLoadError with the file and the offset, and
 * nothing on disk is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ReplyError } from '../../errors.js';
import { Client } from '../../net/client.js';
import type { Command } from '../../commands/table.js';
import type { Server } from '../../server.js';
import { loadAofPreamble } from '../rdb/manager.js';
import type { Manifest } from './manifest.js';
import { AofReader, hasRdbPreamble } from './reader.js';

/** A fatal loading problem; `lines` are the log lines to print (Redis's texts). */
export class AofLoadError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface LoadOutcome {
  /** Sum of the sizes of the base and incr files (after any truncation). */
  totalSize: number;
  baseSize: number;
}

/** Loads every file of `m` from `dirPath` into the server's databases. */
export function loadManifestFiles(server: Server, dirPath: string, m: Manifest): LoadOutcome {
  const files = [...(m.base !== null ? [m.base] : []), ...m.incrs];
  let totalSize = 0;
  for (const f of files) {
    const p = path.join(dirPath, f.name);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw new AofLoadError([`The append log file ${f.name} doesn't exist: ${errText(e)}`]);
    }
    totalSize += st.size;
  }
  const baseSize = m.base === null ? 0 : fs.statSync(path.join(dirPath, m.base.name)).size;
  if (totalSize === 0) return { totalSize: 0, baseSize };
  const client = new Client(0, server, null);
  client.setAuthenticated(true);
  const sinks = server.propagationSinks.splice(0);
  server.loading = true;
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const start = performance.now();
      const cut = loadOne(server, client, path.join(dirPath, f.name), f.name, i === files.length - 1);
      totalSize -= cut;
      const kind = f.type === 'b' ? 'base' : 'incr';
      server.log('notice', `DB loaded from ${kind} file ${f.name}: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    }
  } finally {
    server.loading = false;
    server.propagationSinks.push(...sinks);
  }
  return { totalSize, baseSize };
}

/** Replays one file; returns how many bytes a torn tail cut off. */
function loadOne(server: Server, c: Client, filePath: string, name: string, last: boolean): number {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(filePath);
  } catch (e) {
    throw new AofLoadError([`Fatal error: can't open the append log file ${name} for reading: ${errText(e)}`]);
  }
  if (buf.length === 0) return 0;
  const start = hasRdbPreamble(buf) ? loadRdbHead(server, buf, name) : 0;
  const reader = new AofReader(buf, start);
  let validUpTo = start;
  let beforeMulti = start;
  let queued: Array<[Command, string[]]> | null = null;
  for (;;) {
    const r = reader.next();
    if (r.kind === 'eof') break;
    if (r.kind === 'format') {
      throw new AofLoadError([
        `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
        `AOF ${name}: ${r.reason} at offset ${r.offset}`,
      ]);
    }
    if (r.kind === 'truncated') return torn(server, filePath, name, last, validUpTo, buf.length);
    const cmd = lookup(server, r.argv);
    if (cmd === undefined) throw new AofLoadError([`Unknown command '${r.argv[0]}' reading the append only file ${name}`]);
    const top = cmd.parent ?? cmd;
    if (top.name === 'multi' && queued === null) {
      beforeMulti = validUpTo;
      queued = [];
    } else if (top.name === 'exec' && queued !== null) {
      for (const [qc, qa] of queued) run(server, c, qc, qa);
      queued = null;
    } else if (top.name === 'discard' && queued !== null) queued = null;
    else if (queued !== null) queued.push([cmd, r.argv]);
    else run(server, c, cmd, r.argv);
    validUpTo = r.end;
  }
  if (queued !== null) {
    // Why: a file ending inside MULTI is treated as a short read, as Redis does.
    server.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    return torn(server, filePath, name, last, beforeMulti, buf.length);
  }
  return 0;
}

/**
 * Loads the RDB image a file starts with and returns where its command tail
 * begins. Redis tells the two cases apart by the name: the migrated
 * single-file AOF keeps the bare appendfilename and is an old-style
 * "RDB preamble + commands" file.
 */
function loadRdbHead(server: Server, buf: Buffer, name: string): number {
  const oldStyle = name === server.config.get('appendfilename');
  server.log('notice', oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
  let end: number;
  try {
    end = loadAofPreamble(server, buf);
  } catch (e) {
    const what = oldStyle ? `the RDB preamble of the AOF file ${name}` : `the RDB base file ${name}`;
    throw new AofLoadError([`${(e as Error).message}`, `Error reading ${what}, AOF loading aborted`]);
  }
  if (oldStyle) server.log('notice', 'Reading the remaining AOF tail...');
  return end;
}

function torn(server: Server, filePath: string, name: string, last: boolean, validUpTo: number, size: number): number {
  if (server.config.bool('aof-load-truncated')) {
    if (!last) throw new AofLoadError([`!!! Warning: short read while loading the AOF file ${name}!!!`, 'Fatal error: the truncated file is not the last file']);
    server.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
    server.log('warning', `!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    try {
      fs.truncateSync(filePath, validUpTo);
    } catch (e) {
      throw new AofLoadError([`Error truncating the AOF file ${name}: ${errText(e)}`]);
    }
    server.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    return size - validUpTo;
  }
  throw new AofLoadError([
    `Unexpected end of file reading the append only file ${name}. You can: ` +
      '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
      "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
    `AOF ${name}: the last complete command ends at offset ${validUpTo}`,
  ]);
}

function lookup(server: Server, argv: string[]): Command | undefined {
  const cmd = server.commands.get(argv[0]);
  if (cmd === undefined || cmd.subcommands === undefined || argv.length < 2) return cmd;
  return cmd.subcommands.get(argv[1].toLowerCase()) ?? cmd;
}

/** Executes one loaded command; its reply (even an error, as in Redis) is discarded. */
function run(server: Server, c: Client, cmd: Command, argv: string[]): void {
  if (cmd.handler === undefined) return;
  server.freezeTime();
  try {
    cmd.handler(c, argv);
  } catch (e) {
    if (!(e instanceof ReplyError)) server.log('warning', `internal error in '${cmd.fullName}' while loading the AOF: ${(e as Error).message}`);
  }
  c.out = '';
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EFBIG: 'File too large',
  EBADF: 'Bad file descriptor',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
};

/** The C library's text for an fs error (what Redis prints with strerror). */
export function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return (code !== undefined && ERRNO_TEXT[code]) || (e as Error)?.message || 'Unknown error';
}
