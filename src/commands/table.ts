/**
 * The command table: each family registers `{ name, handler }` rows; arity,
 * flags, key positions and ACL categories come from Redis 7.0's metadata
 * (meta/), so dispatch, COMMAND INFO and key extraction share one source.
 */
import { ReplyError } from '../errors.js';
import type { Client } from '../net/client.js';
import { redisCommandMeta, type CommandMeta, type KeySpec } from './meta/index.js';

export type Handler = (c: Client, argv: string[]) => void;

/** A family's registration row. `name` is lowercase; subcommands use "container|sub". */
export interface CommandDef {
  name: string;
  handler: Handler;
}

export const enum CmdFlag {
  Write = 1 << 0,
  ReadOnly = 1 << 1,
  DenyOom = 1 << 2,
  NoAuth = 1 << 3,
  NoMulti = 1 << 4,
  PubSub = 1 << 5,
  Fast = 1 << 6,
  Loading = 1 << 7,
  Stale = 1 << 8,
  SkipMonitor = 1 << 9,
  Admin = 1 << 10,
  Blocking = 1 << 11,
  NoScript = 1 << 12,
  AllowBusy = 1 << 13,
}

const FLAG_BITS: Record<string, CmdFlag> = {
  write: CmdFlag.Write,
  readonly: CmdFlag.ReadOnly,
  denyoom: CmdFlag.DenyOom,
  no_auth: CmdFlag.NoAuth,
  no_multi: CmdFlag.NoMulti,
  pubsub: CmdFlag.PubSub,
  fast: CmdFlag.Fast,
  loading: CmdFlag.Loading,
  stale: CmdFlag.Stale,
  skip_monitor: CmdFlag.SkipMonitor,
  admin: CmdFlag.Admin,
  noscript: CmdFlag.NoScript,
  allow_busy: CmdFlag.AllowBusy,
};

/** Per-command counters for INFO commandstats. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class Command {
  readonly name: string;
  readonly fullName: string;
  readonly arity: number;
  readonly flags: number;
  readonly subcommands: Map<string, Command> | undefined;
  readonly stats: CommandStats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };

  constructor(
    readonly meta: CommandMeta,
    public handler: Handler | undefined,
    readonly parent: Command | undefined,
  ) {
    this.fullName = meta.fullName;
    this.name = parent === undefined ? meta.fullName : meta.fullName.slice(parent.fullName.length + 1);
    this.arity = meta.arity;
    let flags = 0;
    for (const f of meta.flags) flags |= FLAG_BITS[f] ?? 0;
    if (meta.aclCategories.includes('@blocking')) flags |= CmdFlag.Blocking;
    this.flags = flags;
    this.subcommands = meta.subcommands.length > 0 ? new Map() : undefined;
  }

  has(flag: CmdFlag): boolean {
    return (this.flags & flag) !== 0;
  }

  /** Key positions (argv indexes) per the key specs, as COMMAND GETKEYS reports. */
  keyIndexes(argv: readonly string[]): number[] {
    const out: number[] = [];
    for (const spec of this.meta.keySpecs) keysFromSpec(spec, argv, out);
    return out;
  }
}

/**
 * Where `spec`'s keys start in argv (its begin_search step), or -1 when its
 * keyword is absent or the spec is of an unknown kind.
 */
export function specBegin(spec: KeySpec, argv: readonly string[]): number {
  if (spec.begin.type === 'index') return spec.begin.index;
  if (spec.begin.type !== 'keyword') return -1;
  const { keyword, startfrom } = spec.begin;
  const kw = keyword.toLowerCase();
  if (startfrom >= 0) {
    for (let i = startfrom; i < argv.length; i++) if (argv[i].toLowerCase() === kw) return i + 1;
  } else {
    for (let i = argv.length + startfrom; i > 0; i--) if (argv[i].toLowerCase() === kw) return i + 1;
  }
  return -1;
}

/** Appends to `out` the argv indexes of the keys `spec` finds (Redis's getKeysUsingKeySpecs, one spec). */
export function keysFromSpec(spec: KeySpec, argv: readonly string[], out: number[]): void {
  const first = specBegin(spec, argv);
  if (first < 0) return;
  if (spec.find.type === 'range') {
    const { lastkey, step, limit } = spec.find;
    let last: number;
    if (lastkey >= 0) last = first + lastkey;
    else if (limit === 0) last = argv.length + lastkey;
    else last = first + (Math.floor((argv.length - first) / limit) + lastkey);
    for (let i = first; i <= last && i < argv.length; i += step) out.push(i);
  } else if (spec.find.type === 'keynum') {
    const { keynumidx, firstkey, step } = spec.find;
    const raw = argv[first + keynumidx];
    const n = raw !== undefined && /^(0|-?[1-9][0-9]*)$/.test(raw) ? Number(raw) : -1;
    // Like Redis, a count that is not an integer, negative or past the arguments is an invalid spec.
    if (n < 0 || first + firstkey + (n - 1) * step >= argv.length) throw new ReplyError('ERR Invalid arguments specified for command');
    const start = first + firstkey;
    for (let i = 0; i < n && start + i * step < argv.length; i++) out.push(start + i * step);
  }
}

/** Lookup by name with no per-call lowercasing for the common spellings. */
export class CommandTable {
  private readonly byName = new Map<string, Command>();
  /** All registered top-level commands, lowercase name → command. */
  readonly commands = new Map<string, Command>();

  constructor(defs: readonly CommandDef[]) {
    const meta = redisCommandMeta();
    for (const def of defs) {
      const [top, sub] = def.name.split('|');
      const m = meta.get(top);
      if (m === undefined) throw new Error(`no Redis metadata for command ${top}`);
      let cmd = this.commands.get(top);
      if (cmd === undefined) {
        cmd = new Command(m, undefined, undefined);
        this.commands.set(top, cmd);
        this.byName.set(top, cmd);
        this.byName.set(top.toUpperCase(), cmd);
      }
      if (sub === undefined) {
        cmd.handler = def.handler;
      } else {
        const sm = m.subcommands.find((s) => s.fullName === def.name);
        if (sm === undefined) throw new Error(`no Redis metadata for subcommand ${def.name}`);
        cmd.subcommands!.set(sub, new Command(sm, def.handler, cmd));
      }
    }
  }

  /** The top-level command for argv[0], or undefined. */
  get(name: string): Command | undefined {
    return this.byName.get(name) ?? this.commands.get(name.toLowerCase());
  }
}
