/**
 * redis.conf syntax: one directive per line, arguments split with Redis's
 * quoting rules, '#' comments, `include`. Command-line `--name value ...`
 * options are turned into the same text, exactly as redis-server does, so
 * line numbers in error messages match Redis's.
 */
import fs from 'node:fs';
import { splitArgs } from '../protocol/request-parser.js';
import type { Config } from './config.js';
import { ConfigError, MULTI_ARG, strerror } from './values.js';

/** A fatal start-up error; `message` is the full text to print (Redis's format). */
export class ConfigFileError extends Error {
  /** True when Redis prints it as a log line (stdout) rather than the FATAL block (stderr). */
  constructor(
    message: string,
    readonly asLogLine = false,
  ) {
    super(message);
  }
}

/** The block redis-server prints to stderr before exiting with status 1. */
export function fatalBlock(body: string): string {
  // Same header as redis-server 7.0.15 (kept identical so scripts that grep it keep working).
  return `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n${body}\n`;
}

/** Directives seen while loading (for CONFIG REWRITE and the start-up warnings). */
export interface LoadState {
  /** A save line was already read: later ones add to it instead of replacing Redis's default. */
  saveSeen: boolean;
  /** rename-command lines (accepted, not applied yet). */
  renames: string[][];
}

export function newLoadState(): LoadState {
  return { saveSeen: false, renames: [] };
}

/** Quotes an argument like Redis's sdscatrepr. */
export function reprArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '\\' || c === '"') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (code < 32 || code > 126) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += c;
  }
  return out + '"';
}

/**
 * Converts the arguments after the optional config path into config text,
 * as redis-server does: `--name` starts a new line, every following argument
 * is appended quoted. An argument starting with "--" right after a bare
 * option name is that option's value; `--save` followed by another option
 * (or last) gets an empty value. `afterFile` tells that a config file path
 * came before `args`. Returns the text and whether `-` asked for the config
 * to be read from stdin.
 */
export function argsToConfigText(args: readonly string[], afterFile = false): { text: string; stdin: boolean } {
  let text = '';
  let stdin = false;
  let valueGiven = true;
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    const last = j === args.length - 1;
    // "-" reads stdin only as the very first or the last argument of the command line.
    if (a === '-' && ((j === 0 && !afterFile) || last)) {
      stdin = true;
    } else if (valueGiven && a.startsWith('--')) {
      if (text !== '') text += '\n';
      text += a.slice(2) + ' ';
      // "--port 6380" as one argument carries its value already.
      valueGiven = (splitArgs(a) ?? []).length !== 1;
      if (!valueGiven && a.toLowerCase() === '--save' && (last || args[j + 1].startsWith('--'))) {
        text += '""';
        valueGiven = true;
      }
    } else {
      text += reprArg(a) + ' ';
      valueGiven = true;
    }
  }
  return { text, stdin };
}

/** Applies config text; throws ConfigFileError formatted like Redis's fatal config error. */
export function applyConfigText(config: Config, text: string, state: LoadState = newLoadState()): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const reason = applyLine(config, line, state);
    if (reason !== null) {
      throw new ConfigFileError(fatalBlock(`Reading the configuration file, at line ${i + 1}\n>>> '${line}'\n${reason}`));
    }
  }
}

/** Applies one non-empty line; returns Redis's reason text on error. */
function applyLine(config: Config, line: string, state: LoadState): string | null {
  const argv = splitArgs(line);
  if (argv === null) return 'Unbalanced quotes in configuration line';
  if (argv.length === 0) return null;
  const name = argv[0].toLowerCase();
  const values = argv.slice(1);
  const dir = config.directive(name);
  if (dir !== undefined) {
    const multi = MULTI_ARG.has(dir.name);
    if (multi ? values.length < 1 : values.length !== 1) return 'wrong number of arguments';
    // In a file, an empty client-output-buffer-limit is an error (CONFIG SET accepts it).
    if (dir.name === 'client-output-buffer-limit' && values.join('').trim() === '') return 'Wrong number of arguments in buffer limit configuration.';
    try {
      // Redis: the first save line of a load replaces the default, the next ones add to it.
      if (dir.name === 'save' && state.saveSeen && values.join('') !== '') config.appendSave(values.join(' '));
      else config.set(dir.name, multi ? joinValues(values) : values[0]);
      if (dir.name === 'save') state.saveSeen = true;
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return null;
  }
  if (name === 'include' && values.length === 1) {
    applyConfigFile(config, values[0], state);
    return null;
  }
  if (name === 'rename-command' && values.length === 2) {
    state.renames.push(values);
    return null;
  }
  return 'Bad directive or wrong number of arguments';
}

/**
 * Joins a multi-argument line back into one value string (re-split by the
 * directive's parser). A single argument is split again, as Redis does, so
 * `save "100 1"` (what `--save "100 1"` becomes) means two numbers.
 */
function joinValues(values: string[]): string {
  return values.length === 1 ? values[0] : values.map(quoteIfNeeded).join(' ');
}

function quoteIfNeeded(s: string): string {
  return s !== '' && /^[^\s"'\\]+$/.test(s) ? s : reprArg(s);
}

/** Reads and applies a config file (also used by `include`). */
export function applyConfigFile(config: Config, path: string, state: LoadState = newLoadState()): void {
  applyConfigText(config, readConfigFile(path), state);
}

/** Reads a config file, or throws the error Redis logs when it cannot. */
export function readConfigFile(path: string): string {
  try {
    return fs.readFileSync(path, 'latin1');
  } catch (e) {
    throw new ConfigFileError(`Fatal error, can't open config file '${path}': ${strerror((e as NodeJS.ErrnoException).code)}`, true);
  }
}
