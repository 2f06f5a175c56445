/**
 * What MIGRATE's main-thread half (migrate.ts) and its worker
 * (migrate-worker.ts) exchange: the request, the outcome and the layout of
 * the shared flags the blocked main thread waits on.
 */

/** Indexes in the shared Int32Array. */
export const enum Flag {
  /** Id of the last request answered (the main thread waits on this). */
  Done = 0,
  /** Bumped on every network progress, so the main thread can tell slow from stuck. */
  Progress = 1,
  /** Number of cached connections (INFO migrate_cached_sockets). */
  Cached = 2,
  /** 1 once the worker listens for requests. */
  Ready = 3,
}

/** Length of the shared Int32Array. */
export const FLAG_COUNT = 4;

/** One MIGRATE's network work, as the main thread posts it. */
export interface MigrateRequest {
  id: number;
  /** host and port exactly as given: the cache key, like Redis's "host:port" name. */
  host: string;
  port: string;
  /** Milliseconds allowed for each connect, 64 KB write and reply line. */
  timeout: number;
  /** [password] for AUTH, [username, password] for AUTH2, null for none. */
  auth: string[] | null;
  /** Target db as a decimal string. */
  dbid: string;
  /** The RESTORE commands, already RESP-encoded. */
  body: Uint8Array;
  /** How many RESTORE commands `body` holds. */
  count: number;
}

/**
 * What happened. `restores` holds the RESTORE reply lines actually read;
 * fewer than `count` means the connection failed after them (`socketError`).
 * `auth` and `select` are the AUTH and SELECT reply lines, null when not sent.
 */
export type MigrateOutcome =
  | { id: number; kind: 'connect-error' }
  | { id: number; kind: 'io-error'; writing: boolean }
  | { id: number; kind: 'replies'; auth: string | null; select: string | null; restores: string[]; socketError: boolean };
