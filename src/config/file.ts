/**
 * redis.conf syntax: one directive per line, arguments split with Redis's
 * quoting rules, '#' comments. Command-line `--name value ...` options are
 * turned into the same text, as redis-server does.
 */
import fs from 'node:fs';
import { splitArgs } from '../protocol/request-parser.js';
import { ConfigError, type Config } from './config.js';

export class ConfigFileError extends Error {}

/** Converts argv after the optional config path into config-file text. */
export function argsToConfigText(args: string[]): string {
  let text = '';
  for (const a of args) {
    if (a.startsWith('--') && a.length > 2) {
      if (text !== '') text += '\n';
      text += a.slice(2) + ' ';
    } else {
      text += quote(a) + ' ';
    }
  }
  return text + '\n';
}

function quote(s: string): string {
  return /^[^\s"'\\]+$/.test(s) ? s : '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** Applies config text; throws ConfigFileError formatted like Redis's fatal config error. */
export function applyConfigText(config: Config, text: string, source: string): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    const bad = (reason: string): never => {
      throw new ConfigFileError(
        `\n*** FATAL CONFIG FILE ERROR (respite, Redis 7.0.15 compatible) ***\n` +
          `Reading the configuration file${source ? ` ${source}` : ''}, at line ${i + 1}\n>>> '${line}'\n${reason}`,
      );
    };
    if (argv === null) bad('Unbalanced quotes in configuration line');
    if (argv!.length === 0) continue;
    const [name, ...values] = argv!;
    if (name.toLowerCase() === 'include') {
      if (values.length !== 1) bad('Bad directive or wrong number of arguments');
      applyConfigFile(config, values[0]);
      continue;
    }
    const dir = config.directive(name);
    if (dir === undefined || values.length === 0) bad('Bad directive or wrong number of arguments');
    try {
      config.set(name, values.join(' '));
    } catch (e) {
      if (e instanceof ConfigError) bad(e.message);
      throw e;
    }
  }
}

export function applyConfigFile(config: Config, path: string): void {
  let text: string;
  try {
    text = fs.readFileSync(path, 'latin1');
  } catch (e) {
    throw new ConfigFileError(`Fatal error, can't open config file '${path}': ${(e as Error).message}`);
  }
  applyConfigText(config, text, path);
}
