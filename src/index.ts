/**
 * Library entry point: start a respite server in-process.
 *
 *   import { startServer } from 'respite';
 *   const srv = await startServer({ port: 0 });
 *   // connect any Redis client to srv.host:srv.port
 *   await srv.close();
 */
import type { ConfigValues } from './config/config.js';
import { Server, type ServerOptions } from './server.js';

export { Server, RESPITE_VERSION, REDIS_VERSION } from './server.js';
export type { ServerOptions } from './server.js';

export interface StartOptions extends ConfigValues {}

export interface RunningServer {
  /** Address clients should connect to. */
  host: string;
  /** The bound TCP port (the real one when 0 was asked for). */
  port: number;
  /** The server instance, for embedders that want to inspect it. */
  server: Server;
  /** Disconnects all clients and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a server with redis.conf directives as options (`port`, `bind`,
 * `requirepass`, ...). Defaults for embedding: port 0 (ephemeral) on
 * 127.0.0.1, silent logging. Pass `{ clock }` or `{ log }` via the second
 * argument for tests.
 */
export async function startServer(directives: StartOptions = {}, extra: Omit<ServerOptions, 'config'> = {}): Promise<RunningServer> {
  // No save points by default when embedded: a library user opts into dump.rdb (the CLI keeps Redis's defaults).
  const config: ConfigValues = { port: 0, bind: '127.0.0.1', save: '', ...directives };
  const server = new Server({ log: null, ...extra, config });
  await server.listen();
  server.onShutdown = () => void server.close();
  return {
    host: server.host,
    port: server.port,
    server,
    close: () => server.close(),
  };
}
