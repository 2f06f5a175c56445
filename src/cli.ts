/**
 * Command-line entry: `respite [/path/to/respite.conf] [--directive value ...]`,
 * the same shape as redis-server's.
 */
import { applyConfigFile, applyConfigText, argsToConfigText, ConfigFileError } from './config/file.js';
import { RESPITE_VERSION, REDIS_VERSION, Server } from './server.js';

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    console.log(`respite v=${RESPITE_VERSION} (Redis ${REDIS_VERSION} compatible) node=${process.version}`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    console.log('Usage: respite [/path/to/respite.conf] [--directive value ...]\n       respite --port 7777\n       respite /etc/respite.conf --loglevel verbose');
    return;
  }
  const server = new Server();
  try {
    let rest = argv;
    if (rest.length > 0 && !rest[0].startsWith('--')) {
      applyConfigFile(server.config, rest[0]);
      rest = rest.slice(1);
    }
    if (rest.length > 0) applyConfigText(server.config, argsToConfigText(rest), '');
  } catch (e) {
    if (e instanceof ConfigFileError) {
      process.stderr.write(e.message + '\n');
      process.exit(1);
    }
    throw e;
  }
  server.log('notice', 'oO0OoO0OoO0Oo respite is starting oO0OoO0OoO0Oo');
  server.log('notice', `respite version=${RESPITE_VERSION}, redis_version=${REDIS_VERSION}, bits=64, pid=${process.pid}, node=${process.version}, just started`);
  for (const d of server.config.all()) {
    if (!d.effect && server.config.get(d.name) !== d.default) {
      server.log('warning', `WARNING: directive '${d.name}' is accepted but has no effect in this version of respite`);
    }
  }
  try {
    await server.listen();
  } catch (e) {
    server.log('warning', (e as Error).message);
    process.exit(1);
  }
  server.log('notice', `Running mode=standalone, port=${server.port}.`);
  server.log('notice', 'Server initialized');
  server.log('notice', 'Ready to accept connections tcp');
  const stop = (sig: string) => {
    server.log('warning', `Received ${sig} scheduling shutdown...`);
    void server.close().then(() => {
      server.log('warning', 'respite is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  server.onShutdown = () => stop('SHUTDOWN');
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
