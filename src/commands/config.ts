/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP.
 */
import { DIRECTIVE_BY_NAME } from '../config/directives.js';
import { rewriteConfigFile } from '../config/rewrite.js';
import { strerror } from '../config/values.js';
import { Err, fail } from '../errors.js';
import { globMatch, isLiteralPattern } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { createStats } from '../stats.js';
import type { Command, CommandDef } from './table.js';

// CONFIG GET parameter [parameter ...]
function configGet(c: Client, argv: string[]): void {
  const config = c.server.config;
  // name shown -> value; a directive matched by several patterns is listed once.
  const found = new Map<string, [string, string]>();
  for (const pattern of argv.slice(2)) {
    if (isLiteralPattern(pattern)) {
      // Quirk: an exact name is echoed back as the client spelled it ("PORT").
      const dir = config.directive(pattern);
      if (dir !== undefined && !found.has(pattern.toLowerCase())) found.set(pattern.toLowerCase(), [pattern, config.display(dir.name)]);
      continue;
    }
    for (const [name, dir] of DIRECTIVE_BY_NAME) {
      if (!found.has(name) && globMatch(pattern, name, true)) found.set(name, [name, config.display(dir.name)]);
    }
  }
  c.map(found.size);
  for (const [name, value] of found.values()) {
    c.bulk(name);
    c.bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]
function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) fail(Err.syntax);
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  const error = c.server.config.setMany(pairs, protectedAllowed(c));
  if (error !== null) fail(error);
  c.ok();
}

/** enable-protected-configs: "yes" everywhere, "local" from loopback connections only. */
function protectedAllowed(c: Client): boolean {
  const mode = c.server.config.get('enable-protected-configs');
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  return c.socket === null || /^(127\.|::1$|::ffff:127\.)/.test(c.socket.remoteAddress ?? '') || c.socket.remoteAddress === undefined;
}

/** Zeroes INFO stats, errorstats and every command's commandstats. */
export function resetStats(server: Server): void {
  const errorCodes = server.stats.errorCodes;
  Object.assign(server.stats, createStats(), { errorCodes });
  errorCodes.clear();
  const reset = (cmd: Command) => {
    cmd.stats.calls = cmd.stats.usec = cmd.stats.rejectedCalls = cmd.stats.failedCalls = 0;
    for (const sub of cmd.subcommands?.values() ?? []) reset(sub);
  };
  for (const cmd of server.commands.commands.values()) reset(cmd);
}

// CONFIG RESETSTAT
function configResetstat(c: Client): void {
  resetStats(c.server);
  c.ok();
}

// CONFIG REWRITE
function configRewrite(c: Client): void {
  const file = c.server.config.configFile;
  if (file === null) fail('ERR The server is running without a config file');
  try {
    rewriteConfigFile(c.server.config, file);
  } catch (e) {
    const msg = strerror((e as NodeJS.ErrnoException).code);
    c.server.log('warning', `CONFIG REWRITE failed: ${msg}`);
    fail(`ERR Rewriting config file: ${msg}`);
  }
  c.server.log('notice', 'CONFIG REWRITE executed with success.');
  c.ok();
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

// CONFIG HELP
function configHelp(c: Client): void {
  c.array(HELP.length);
  for (const line of HELP) c.simple(line);
}

export const configCommands: CommandDef[] = [
  { name: 'config|get', handler: configGet },
  { name: 'config|set', handler: configSet },
  { name: 'config|resetstat', handler: configResetstat },
  { name: 'config|rewrite', handler: configRewrite },
  { name: 'config|help', handler: configHelp },
];
