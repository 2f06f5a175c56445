/**
 * Command-line entry: `respite [/path/to/respite.conf] [--directive value ...]`,
 * the same shape as redis-server's: the arguments after the optional file
 * become config text appended to it, `-` reads more config from stdin.
 */
import v8 from 'node:v8';
import fs from 'node:fs';
import path from 'node:path';
import { Config, type ConfigValues } from './config/config.js';
import { applyConfigText, argsToConfigText, ConfigFileError, fatalBlock, newLoadState, readConfigFile, type LoadState } from './config/file.js';
import { strerror } from './config/values.js';
import { formatLogLine } from './log.js';
import { RESPITE_VERSION, REDIS_VERSION, Server } from './server.js';
import { shutdownSave, signalShutdownFlags } from './persistence/rdb/manager.js';
import { AofLoadError } from './persistence/aof/loader.js';
import { runCheckAof } from './tools/check-aof.js';

/** What the command line asked for, after loading every config source. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file, or null. */
  file: string | null;
  state: LoadState;
}

/**
 * Loads the config file and command-line options into a Config, the way
 * redis-server does (file text, then a newline, then the options). Throws
 * ConfigFileError with the text to print.
 */
export function loadCommandLine(argv: readonly string[], readStdin: () => string = () => fs.readFileSync(0, 'latin1')): LoadedConfig {
  const config = new Config();
  let file: string | null = null;
  let rest = argv;
  if (rest.length > 0 && !rest[0].startsWith('-')) {
    file = path.resolve(rest[0]);
    rest = rest.slice(1);
  }
  const { text: options, stdin } = argsToConfigText(rest, file !== null);
  let text = file === null ? '' : readConfigFile(file);
  if (stdin) {
    process.stdout.write(formatLogLine('warning', 'Reading config from stdin', 'C') + '\n');
    text += readStdin();
  }
  if (options !== '') text += '\n' + options;
  const state = newLoadState();
  applyConfigText(config, text, state);
  return { config, file, state };
}

/** The directives set away from their default that respite accepts but does not honour yet. */
export function ineffectiveDirectives(config: Config): string[] {
  return config
    .all()
    .filter((d) => !d.effect && !config.isDefault(d))
    .map((d) => d.name);
}

/** Overrides that rebuild `config` inside a Server (values are canonical, so re-parsing keeps them). */
function overrides(config: Config): ConfigValues {
  const out: ConfigValues = {};
  for (const d of config.all()) if (!config.isDefault(d) || d.name === 'dir') out[d.name] = config.get(d.name);
  return out;
}

function die(text: string, toStdout = false): never {
  if (toStdout) process.stdout.write(formatLogLine('warning', text, 'C') + '\n');
  else process.stderr.write(text);
  process.exit(1);
}

/** Runs the respite binary: parse the command line and config, start listening, stop on signals. */
/**
 * Keeps V8's young generation at its initial size (1 MB semispaces) instead of
 * letting it grow to 16 MB each. A server's allocations per request are tiny
 * and short-lived, so a nursery that fits in the CPU cache scavenges as fast
 * (measured: equal or lower CPU per GET/SET/MSET), and the resident set of a
 * loaded server is ~30 MB smaller. Only the standalone server does this; an
 * embedding process keeps its own V8 settings.
 */
function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    console.log(`respite v=${RESPITE_VERSION} (Redis ${REDIS_VERSION} compatible) node=${process.version}`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    console.log('Usage: respite [/path/to/respite.conf] [--directive value ...]\n       respite --port 7777\n       respite /etc/respite.conf --loglevel verbose');
    return;
  }
  if (argv[0] === '--check-aof') process.exit(runCheckAof(argv.slice(1)));
  keepYoungGenerationSmall();
  let loaded: LoadedConfig;
  try {
    loaded = loadCommandLine(argv);
  } catch (e) {
    if (e instanceof ConfigFileError) die(e.message, e.asLogLine);
    throw e;
  }
  const logfile = loaded.config.get('logfile');
  if (logfile !== '') {
    try {
      fs.appendFileSync(logfile, '');
    } catch (e) {
      die(fatalBlock(`Can't open the log file: ${strerror((e as NodeJS.ErrnoException).code)}`));
    }
  }
  // Redis chdir()s into dir while loading; relative paths (unixsocket, logfile...) follow it.
  process.chdir(loaded.config.get('dir'));
  const server = new Server({ config: overrides(loaded.config) });
  server.config.configFile = loaded.file;
  // CONFIG SET dir (allowed with enable-protected-configs) moves the process, as Redis's chdir() does.
  server.config.watch('dir', (d) => {
    if (d !== process.cwd()) process.chdir(d);
  });
  server.log('notice', 'oO0OoO0OoO0Oo respite is starting oO0OoO0OoO0Oo');
  server.log('notice', `respite version=${RESPITE_VERSION}, redis_version=${REDIS_VERSION}, bits=64, pid=${process.pid}, node=${process.version}, just started`);
  if (loaded.file === null) server.log('warning', 'Warning: no config file specified, using the default config. In order to specify a config file use respite /path/to/respite.conf');
  else server.log('notice', 'Configuration loaded');
  warnIneffective(server, loaded);
  server.aof.exitOnFatal = true;
  try {
    await server.listen();
  } catch (e) {
    if (e instanceof AofLoadError) for (const line of e.lines) server.log('warning', line);
    else server.log('warning', (e as Error).message);
    process.exit(1);
  }
  server.log('notice', `Running mode=standalone, port=${server.port}.`);
  server.log('notice', 'Server initialized');
  server.log('notice', 'Ready to accept connections tcp');
  const stop = (sig: string) => {
    server.log('warning', `Received ${sig} scheduling shutdown...`);
    // SHUTDOWN saved already; a signal saves per shutdown-on-sig* and the save points, and stays up if that fails.
    if ((sig === 'SIGTERM' || sig === 'SIGINT') && !shutdownSave(server, signalShutdownFlags(server, sig))) return;
    void server.close().then(() => {
      server.log('warning', 'respite is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  server.onShutdown = () => stop('SHUTDOWN');
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function warnIneffective(server: Server, loaded: LoadedConfig): void {
  for (const name of ineffectiveDirectives(server.config)) {
    server.log('warning', `WARNING: directive '${name}' is set to '${server.config.get(name)}' but has no effect in this version of respite`);
  }
  if (server.config.bool('daemonize')) server.log('warning', "WARNING: 'daemonize yes' is not supported: respite stays in the foreground");
  for (const [from, to] of loaded.state.renames) {
    server.log('warning', `WARNING: 'rename-command ${from} ${to}' is accepted but has no effect in this version of respite`);
  }
}
