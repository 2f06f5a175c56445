/**
 * COMMAND and its subcommands: introspection of the commands respite
 * registers, from Redis 7.0's metadata (meta/). Only registered commands are
 * listed, so a client sees exactly what it may call.
 */
import { Err, fail } from '../errors.js';
import { globMatch } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import type { RespValue } from '../protocol/resp-reader.js';
import { isWord } from './args.js';
import { keysFromSpec, specBegin, type Command, type CommandDef, type CommandTable } from './table.js';

/** Positions of the COMMAND INFO array whose set elements Redis sends as status strings. */
const INFO_STATUS_SETS = new Set([2, 6]);

/**
 * Writes a metadata tree. The stored trees keep no difference between
 * status and bulk strings, so it is restored here: Redis sends flags (of
 * commands, key specs and arguments) and ACL categories as status replies.
 */
function writeTree(c: Client, v: RespValue, status = false): void {
  if (v.t === 'bulk' && status && v.v !== null) return c.simple(v.v);
  if (v.t === 'map') {
    c.map(v.v.length);
    for (const [k, x] of v.v) {
      writeTree(c, k);
      writeTree(c, x, k.t === 'bulk' && k.v === 'flags');
    }
    return;
  }
  if (v.t === 'array' || v.t === 'set') {
    if (v.v === null) return c.nilArray();
    if (v.t === 'set') c.set(v.v.length);
    else c.array(v.v.length);
    for (const x of v.v) writeTree(c, x, status);
    return;
  }
  c.value(v);
}

/** Writes one COMMAND INFO entry (name, arity, flags, key positions, categories, tips, key specs, subcommands). */
function writeInfo(c: Client, info: RespValue): void {
  if (info.t !== 'array' || info.v === null) return c.value(info);
  c.array(info.v.length);
  info.v.forEach((x, i) => {
    if (i === 9 && (x.t === 'set' || x.t === 'array') && x.v !== null) {
      if (x.t === 'set') c.set(x.v.length);
      else c.array(x.v.length);
      for (const sub of x.v) writeInfo(c, sub);
    } else writeTree(c, x, INFO_STATUS_SETS.has(i));
  });
}

/** Looks up "name" or "container|sub" among registered commands. */
function findCommand(table: CommandTable, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return table.commands.get(name.toLowerCase());
  const parent = table.commands.get(name.slice(0, bar).toLowerCase());
  return parent?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

/** Every registered command and subcommand. */
function allCommands(table: CommandTable): Command[] {
  const out: Command[] = [];
  for (const cmd of table.commands.values()) {
    out.push(cmd);
    if (cmd.subcommands !== undefined) out.push(...cmd.subcommands.values());
  }
  return out;
}

// COMMAND
function command(c: Client): void {
  const cmds = [...c.server.commands.commands.values()];
  c.array(cmds.length);
  for (const cmd of cmds) writeInfo(c, cmd.meta.info);
}

// COMMAND COUNT
function count(c: Client): void {
  c.integer(c.server.commands.commands.size);
}

// COMMAND INFO [command-name ...]
function info(c: Client, argv: string[]): void {
  if (argv.length === 2) return command(c);
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = findCommand(c.server.commands, argv[i]);
    if (cmd === undefined) c.nil();
    else writeInfo(c, cmd.meta.info);
  }
}

// COMMAND DOCS [command-name ...]
function docs(c: Client, argv: string[]): void {
  let cmds: Command[];
  if (argv.length === 2) cmds = [...c.server.commands.commands.values()];
  else cmds = argv.slice(2).flatMap((n) => findCommand(c.server.commands, n) ?? []);
  const withDocs = cmds.filter((cmd) => cmd.meta.docs !== undefined);
  c.map(withDocs.length);
  for (const cmd of withDocs) {
    c.bulk(cmd.fullName);
    writeTree(c, cmd.meta.docs!);
  }
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
function list(c: Client, argv: string[]): void {
  let keep: (cmd: Command) => boolean = () => true;
  if (argv.length !== 2) {
    if (argv.length !== 5 || !isWord(argv[2], 'FILTERBY')) fail(Err.syntax);
    const arg = argv[4];
    if (isWord(argv[3], 'MODULE')) keep = () => false; // no modules
    else if (isWord(argv[3], 'ACLCAT')) {
      const cat = '@' + arg.toLowerCase();
      keep = (cmd) => cmd.meta.aclCategories.includes(cat);
    } else if (isWord(argv[3], 'PATTERN')) keep = (cmd) => globMatch(arg, cmd.fullName, true);
    else fail(Err.syntax);
  }
  const names = allCommands(c.server.commands).filter(keep).map((cmd) => cmd.fullName);
  c.bulks(names);
}

/**
 * Resolves COMMAND GETKEYS's target with Redis's checks in order: unknown
 * command, command without keys, wrong arity. Returns the command and its argv.
 */
function getkeysTarget(c: Client, argv: string[]): [Command, string[]] {
  const target = argv.slice(2);
  let cmd = c.server.commands.get(target[0]);
  if (cmd?.subcommands !== undefined && target.length >= 2) cmd = cmd.subcommands.get(target[1].toLowerCase());
  if (cmd === undefined || cmd.handler === undefined) fail('ERR Invalid command specified');
  if (cmd.meta.keySpecs.length === 0 || cmd.meta.keySpecs.every((s) => s.flags.includes('not_key'))) fail('ERR The command has no key arguments');
  const n = target.length;
  if ((cmd.arity > 0 && cmd.arity !== n) || n < -cmd.arity) fail('ERR Invalid number of arguments specified for command');
  return [cmd, target];
}

/**
 * Key flags for specs marked variable_flags, computed from the arguments as
 * Redis's getkeys procedures do (SET writes blind unless GET reads the old
 * value; BITFIELD with only GET reads).
 */
function variableFlags(cmd: Command, target: string[], flags: string[]): string[] {
  if (!flags.includes('variable_flags')) return flags;
  const rest = target.slice(2).map((a) => a.toLowerCase());
  if (cmd.fullName === 'set') return rest.includes('get') ? ['RW', 'access', 'update'] : ['OW', 'update'];
  if (cmd.fullName === 'bitfield') {
    const writes = rest.some((a) => a === 'set' || a === 'incrby');
    return writes ? ['RW', 'access', 'update'] : ['RO', 'access'];
  }
  return flags;
}

/**
 * MIGRATE's key finder (Redis's migrateGetKeys): the key argument, or with
 * KEYS everything after the first KEYS (AUTH/AUTH2 values skipped); none when
 * KEYS comes with a non-empty key argument.
 */
function migrateKeys(target: string[]): number[] {
  let first = 3;
  let num = 1;
  for (let i = 6; i < target.length; i++) {
    const a = target[i].toLowerCase();
    if (a === 'keys') {
      if (target[3] !== '') return [];
      first = i + 1;
      num = target.length - first;
      break;
    }
    if (a === 'auth') i += 1;
    else if (a === 'auth2') i += 2;
  }
  return Array.from({ length: num }, (_, j) => first + j);
}

/** Commands whose key specs can be incomplete fall back to their own key finder, as in Redis. */
const KEY_FINDERS: Record<string, (target: string[]) => number[]> = { migrate: migrateKeys };

/** Keys of `target` with the flags of the spec that found each. */
function keysAndFlags(cmd: Command, target: string[]): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  // Redis prefers key specs, but an INCOMPLETE spec that applies (its keyword
  // is present) makes it use the command's getkeys procedure instead.
  const finder = KEY_FINDERS[cmd.fullName];
  if (finder !== undefined && cmd.meta.keySpecs.some((s) => s.flags.includes('incomplete') && specBegin(s, target) >= 0)) {
    const flags = cmd.meta.keySpecs[0].flags;
    for (const i of finder(target)) out.push([i, flags]);
    if (out.length === 0) fail('ERR Invalid arguments specified for command');
    return out;
  }
  for (const spec of cmd.meta.keySpecs) {
    const idx: number[] = [];
    keysFromSpec(spec, target, idx);
    for (const i of idx) out.push([i, variableFlags(cmd, target, spec.flags)]);
  }
  // With no key found, Redis calls the arguments invalid unless keys are optional (EVAL with 0 keys).
  if (out.length === 0 && !cmd.meta.flags.includes('no_mandatory_keys')) fail('ERR Invalid arguments specified for command');
  return out;
}

// COMMAND GETKEYS command [arg ...]
function getkeys(c: Client, argv: string[]): void {
  const [cmd, target] = getkeysTarget(c, argv);
  const keys = keysAndFlags(cmd, target);
  c.array(keys.length);
  for (const [i] of keys) c.bulk(target[i]);
}

// COMMAND GETKEYSANDFLAGS command [arg ...]
function getkeysandflags(c: Client, argv: string[]): void {
  const [cmd, target] = getkeysTarget(c, argv);
  const keys = keysAndFlags(cmd, target);
  c.array(keys.length);
  for (const [i, flags] of keys) {
    c.array(2);
    c.bulk(target[i]);
    c.set(flags.length);
    for (const f of flags) c.simple(f);
  }
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

/** Writes a HELP reply: every line as a status string, as Redis's addReplyHelp does. */
export function writeHelp(c: Client, lines: readonly string[]): void {
  c.array(lines.length);
  for (const l of lines) c.simple(l);
}

export const commandCommands: CommandDef[] = [
  { name: 'command', handler: command },
  { name: 'command|count', handler: count },
  { name: 'command|info', handler: info },
  { name: 'command|docs', handler: docs },
  { name: 'command|list', handler: list },
  { name: 'command|getkeys', handler: getkeys },
  { name: 'command|getkeysandflags', handler: getkeysandflags },
  { name: 'command|help', handler: (c) => writeHelp(c, HELP) },
];
