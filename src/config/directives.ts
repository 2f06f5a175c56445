/**
 * The table of configuration directives: every directive of Redis 7.0.15 with
 * its type, compiled-in default (as CONFIG GET prints it), range or allowed
 * values, aliases and mutability. Generated from the reference server
 * (`CONFIG GET *` on a server started without a config file, and CONFIG SET
 * probes for types and ranges), then edited by hand for the special types.
 *
 * `effect: true` marks the directives respite honours today; the others are
 * accepted, validated and shown by CONFIG GET, and logged at start-up when
 * set to a non-default value.
 */

/**
 * How a directive's value is parsed:
 * bool (yes/no), int (Redis string2ll, range-checked), octal (unixsocketperm),
 * memory (1k=1000, 1kb=1024, ... up to gb), percent (memory or "N%"),
 * enum (case-insensitive), string (any bytes), special (own parser in values.ts).
 */
export type DirectiveType = 'bool' | 'int' | 'octal' | 'memory' | 'percent' | 'enum' | 'string' | 'special';

/** mutable: CONFIG SET works; immutable: start-up only; protected: CONFIG SET only with enable-protected-configs. */
export type DirectiveMode = 'mutable' | 'immutable' | 'protected';

export interface Directive {
  /** Canonical lowercase name (the one CONFIG REWRITE writes). */
  name: string;
  /** Other accepted names, each also listed by CONFIG GET (e.g. slaveof for replicaof). */
  aliases: string[];
  type: DirectiveType;
  /** Redis's compiled-in default, formatted as CONFIG GET prints it. */
  default: string;
  /** Allowed values of an enum, in Redis's order (used in the error text). */
  enumValues?: string[];
  /** Inclusive range of int/octal/memory/percent values. */
  min?: bigint;
  max?: bigint;
  mode: DirectiveMode;
  /** CONFIG SET may change it at runtime. */
  mutable: boolean;
  /** The directive changes respite's behaviour (false: accepted, no effect yet). */
  effect: boolean;
}

interface RowOptions {
  mode?: DirectiveMode;
  min?: bigint;
  max?: bigint;
  values?: string[];
  aliases?: string[];
  effect?: boolean;
}

const row = (name: string, type: DirectiveType, def: string, o: RowOptions = {}): Directive => ({
  name,
  aliases: o.aliases ?? [],
  type,
  default: def,
  enumValues: o.values,
  min: o.min,
  max: o.max,
  mode: o.mode ?? 'mutable',
  mutable: (o.mode ?? 'mutable') !== 'immutable',
  effect: o.effect ?? false,
});

/*
 * Respite's own defaults differ from Redis's in two places, on purpose:
 * bind is "127.0.0.1 -::1" (Redis's compiled default is "* -::*") so a
 * fresh server is not reachable from the network, and dir is filled in with
 * the working directory when the Config is created (Redis shows getcwd()).
 * daemonize is honoured only as "no" (respite stays in the foreground; "yes"
 * is warned about at start-up). Of client-output-buffer-limit only the
 * pubsub class is enforced so far; activedefrag drives respite's own idle
 * heap compaction rather than Redis's allocator defragmentation.
 */
export const DIRECTIVES: readonly Directive[] = [
row('acl-pubsub-default', 'enum', 'resetchannels', { values: ['allchannels', 'resetchannels'] }),
  row('aclfile', 'string', '', { mode: 'immutable' }),
  row('acllog-max-len', 'int', '128', { min: 0n, max: 9223372036854775807n }),
  row('active-defrag-cycle-max', 'int', '25', { min: 1n, max: 99n }),
  row('active-defrag-cycle-min', 'int', '1', { min: 1n, max: 99n }),
  row('active-defrag-ignore-bytes', 'memory', '104857600', { min: 1n, max: 9223372036854775807n }),
  row('active-defrag-max-scan-fields', 'int', '1000', { min: 1n, max: 9223372036854775807n }),
  row('active-defrag-threshold-lower', 'int', '10', { min: 0n, max: 1000n }),
  row('active-defrag-threshold-upper', 'int', '100', { min: 0n, max: 1000n }),
  row('active-expire-effort', 'int', '1', { min: 1n, max: 10n }),
  row('activedefrag', 'bool', 'yes', { effect: true }), // respite default: idle heap compaction (src/heap-compaction.ts)
  row('activerehashing', 'bool', 'yes'),
  row('always-show-logo', 'bool', 'no', { mode: 'immutable' }),
  row('aof-disable-auto-gc', 'bool', 'no', { effect: true }),
  row('aof-load-truncated', 'bool', 'yes', { effect: true }),
  row('aof-rewrite-incremental-fsync', 'bool', 'yes'),
  row('aof-timestamp-enabled', 'bool', 'no', { effect: true }),
  row('aof-use-rdb-preamble', 'bool', 'yes', { effect: true }),
  row('aof_rewrite_cpulist', 'string', '', { mode: 'immutable' }),
  row('appenddirname', 'string', 'appendonlydir', { mode: 'immutable', effect: true }),
  row('appendfilename', 'string', 'appendonly.aof', { mode: 'immutable', effect: true }),
  row('appendfsync', 'enum', 'everysec', { values: ['everysec', 'always', 'no'], effect: true }),
  row('appendonly', 'bool', 'no', { effect: true }),
  row('auto-aof-rewrite-min-size', 'memory', '67108864', { min: 0n, max: 9223372036854775807n, effect: true }),
  row('auto-aof-rewrite-percentage', 'int', '100', { min: 0n, max: 2147483647n, effect: true }),
  row('bgsave_cpulist', 'string', '', { mode: 'immutable' }),
  row('bind', 'special', '127.0.0.1 -::1', { effect: true }),
  row('bind-source-addr', 'string', ''),
  row('bio_cpulist', 'string', '', { mode: 'immutable' }),
  row('busy-reply-threshold', 'int', '5000', { min: 0n, max: 9223372036854775807n, aliases: ['lua-time-limit'] }),
  row('client-output-buffer-limit', 'special', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', { effect: true }),
  row('client-query-buffer-limit', 'memory', '1073741824', { min: 1048576n, max: 9223372036854775807n, effect: true }),
  row('cluster-allow-pubsubshard-when-down', 'bool', 'yes'),
  row('cluster-allow-reads-when-down', 'bool', 'no'),
  row('cluster-allow-replica-migration', 'bool', 'yes'),
  row('cluster-announce-bus-port', 'int', '0', { min: 0n, max: 65535n }),
  row('cluster-announce-hostname', 'string', ''),
  row('cluster-announce-ip', 'string', ''),
  row('cluster-announce-port', 'int', '0', { min: 0n, max: 65535n }),
  row('cluster-announce-tls-port', 'int', '0', { min: 0n, max: 65535n }),
  row('cluster-config-file', 'string', 'nodes.conf', { mode: 'immutable' }),
  row('cluster-enabled', 'bool', 'no', { mode: 'immutable' }),
  row('cluster-link-sendbuf-limit', 'memory', '0', { min: 0n, max: 18446744073709551615n }),
  row('cluster-migration-barrier', 'int', '1', { min: 0n, max: 2147483647n }),
  row('cluster-node-timeout', 'int', '15000', { min: 0n, max: 9223372036854775807n }),
  row('cluster-port', 'int', '0', { mode: 'immutable', min: 0n, max: 65535n }),
  row('cluster-preferred-endpoint-type', 'enum', 'ip', { values: ['ip', 'hostname', 'unknown-endpoint'] }),
  row('cluster-replica-no-failover', 'bool', 'no', { aliases: ['cluster-slave-no-failover'] }),
  row('cluster-replica-validity-factor', 'int', '10', { min: 0n, max: 2147483647n, aliases: ['cluster-slave-validity-factor'] }),
  row('cluster-require-full-coverage', 'bool', 'yes'),
  row('crash-log-enabled', 'bool', 'yes'),
  row('crash-memcheck-enabled', 'bool', 'yes'),
  row('daemonize', 'bool', 'no', { mode: 'immutable', effect: true }),
  row('databases', 'int', '16', { mode: 'immutable', min: 1n, max: 2147483647n, effect: true }),
  row('dbfilename', 'string', 'dump.rdb', { mode: 'protected' }),
  row('dir', 'special', '', { mode: 'protected', effect: true }),
  row('disable-thp', 'bool', 'yes', { mode: 'immutable' }),
  row('dynamic-hz', 'bool', 'yes'),
  row('enable-debug-command', 'enum', 'no', { mode: 'immutable', values: ['no', 'yes', 'local'], effect: true }),
  row('enable-module-command', 'enum', 'no', { mode: 'immutable', values: ['no', 'yes', 'local'] }),
  row('enable-protected-configs', 'enum', 'no', { mode: 'immutable', values: ['no', 'yes', 'local'], effect: true }),
  row('hash-max-listpack-entries', 'int', '512', { min: 0n, max: 9223372036854775807n, aliases: ['hash-max-ziplist-entries'], effect: true }),
  row('hash-max-listpack-value', 'memory', '64', { min: 0n, max: 9223372036854775807n, aliases: ['hash-max-ziplist-value'], effect: true }),
  row('hll-sparse-max-bytes', 'memory', '3000', { min: 0n, max: 9223372036854775807n }),
  row('hz', 'int', '10', { min: 0n, max: 2147483647n, effect: true }),
  row('ignore-warnings', 'string', ''),
  row('io-threads', 'int', '1', { mode: 'immutable', min: 1n, max: 128n }),
  row('io-threads-do-reads', 'bool', 'no', { mode: 'immutable' }),
  row('jemalloc-bg-thread', 'bool', 'yes'),
  row('latency-monitor-threshold', 'int', '0', { min: 0n, max: 9223372036854775807n }),
  row('latency-tracking', 'bool', 'yes'),
  row('latency-tracking-info-percentiles', 'special', '50 99 99.9'),
  row('lazyfree-lazy-eviction', 'bool', 'no'),
  row('lazyfree-lazy-expire', 'bool', 'no'),
  row('lazyfree-lazy-server-del', 'bool', 'no'),
  row('lazyfree-lazy-user-del', 'bool', 'no'),
  row('lazyfree-lazy-user-flush', 'bool', 'no'),
  row('lfu-decay-time', 'int', '1', { min: 0n, max: 2147483647n }),
  row('lfu-log-factor', 'int', '10', { min: 0n, max: 2147483647n }),
  row('list-compress-depth', 'int', '0', { min: 0n, max: 2147483647n }),
  row('list-max-listpack-size', 'int', '-2', { min: -2147483648n, max: 2147483647n, aliases: ['list-max-ziplist-size'] }),
  row('logfile', 'string', '', { mode: 'immutable', effect: true }),
  row('loglevel', 'enum', 'notice', { values: ['debug', 'verbose', 'notice', 'warning'], effect: true }),
  row('masterauth', 'string', ''),
  row('masteruser', 'string', ''),
  row('maxclients', 'int', '10000', { min: 1n, max: 4294967295n, effect: true }),
  row('maxmemory', 'memory', '0', { min: 0n, max: 18446744073709551615n }),
  row('maxmemory-clients', 'percent', '0', { min: 0n, max: 18446744073709551615n }),
  row('maxmemory-eviction-tenacity', 'int', '10', { min: 0n, max: 100n }),
  row('maxmemory-policy', 'enum', 'noeviction', { values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] }),
  row('maxmemory-samples', 'int', '5', { min: 1n, max: 2147483647n }),
  row('min-replicas-max-lag', 'int', '10', { min: 0n, max: 2147483647n, aliases: ['min-slaves-max-lag'] }),
  row('min-replicas-to-write', 'int', '0', { min: 0n, max: 2147483647n, aliases: ['min-slaves-to-write'] }),
  row('no-appendfsync-on-rewrite', 'bool', 'no'),
  row('notify-keyspace-events', 'special', '', { effect: true }),
  row('oom-score-adj', 'enum', 'no', { values: ['no', 'yes', 'relative', 'absolute'] }),
  row('oom-score-adj-values', 'special', '0 200 800'),
  row('pidfile', 'string', '', { mode: 'immutable' }),
  row('port', 'int', '7303', { min: 0n, max: 65535n, effect: true }),
  row('proc-title-template', 'string', '{title} {listen-addr} {server-mode}'),
  row('propagation-error-behavior', 'enum', 'ignore', { values: ['ignore', 'panic', 'panic-on-replicas'] }),
  row('protected-mode', 'bool', 'yes', { effect: true }),
  row('proto-max-bulk-len', 'memory', '536870912', { min: 1048576n, max: 9223372036854775807n, effect: true }),
  row('rdb-del-sync-files', 'bool', 'no'),
  row('rdb-save-incremental-fsync', 'bool', 'yes'),
  row('rdbchecksum', 'bool', 'yes', { mode: 'immutable' }),
  row('rdbcompression', 'bool', 'yes'),
  row('repl-backlog-size', 'memory', '1048576', { min: 1n, max: 9223372036854775807n }),
  row('repl-backlog-ttl', 'int', '3600', { min: 0n, max: 9223372036854775807n }),
  row('repl-disable-tcp-nodelay', 'bool', 'no'),
  row('repl-diskless-load', 'enum', 'disabled', { values: ['disabled', 'on-empty-db', 'swapdb'] }),
  row('repl-diskless-sync', 'bool', 'yes'),
  row('repl-diskless-sync-delay', 'int', '5', { min: 0n, max: 2147483647n }),
  row('repl-diskless-sync-max-replicas', 'int', '0', { min: 0n, max: 2147483647n }),
  row('repl-ping-replica-period', 'int', '10', { min: 1n, max: 2147483647n, aliases: ['repl-ping-slave-period'] }),
  row('repl-timeout', 'int', '60', { min: 1n, max: 2147483647n }),
  row('replica-announce-ip', 'string', '', { aliases: ['slave-announce-ip'] }),
  row('replica-announce-port', 'int', '0', { min: 0n, max: 65535n, aliases: ['slave-announce-port'] }),
  row('replica-announced', 'bool', 'yes'),
  row('replica-ignore-disk-write-errors', 'bool', 'no'),
  row('replica-ignore-maxmemory', 'bool', 'yes', { aliases: ['slave-ignore-maxmemory'] }),
  row('replica-lazy-flush', 'bool', 'no', { aliases: ['slave-lazy-flush'] }),
  row('replica-priority', 'int', '100', { min: 0n, max: 2147483647n, aliases: ['slave-priority'] }),
  row('replica-read-only', 'bool', 'yes', { aliases: ['slave-read-only'] }),
  row('replica-serve-stale-data', 'bool', 'yes', { aliases: ['slave-serve-stale-data'] }),
  row('replicaof', 'special', '', { mode: 'immutable', aliases: ['slaveof'] }),
  row('requirepass', 'string', '', { effect: true }),
  row('sanitize-dump-payload', 'enum', 'no', { values: ['no', 'yes', 'clients'] }),
  row('save', 'special', '3600 1 300 100 60 10000'),
  row('server_cpulist', 'string', '', { mode: 'immutable' }),
  row('set-max-intset-entries', 'int', '512', { min: 0n, max: 9223372036854775807n, effect: true }),
  row('set-proc-title', 'bool', 'yes', { mode: 'immutable' }),
  row('shutdown-on-sigint', 'enum', 'default', { values: ['default', 'save', 'nosave', 'now', 'force'] }),
  row('shutdown-on-sigterm', 'enum', 'default', { values: ['default', 'save', 'nosave', 'now', 'force'] }),
  row('shutdown-timeout', 'int', '10', { min: 0n, max: 2147483647n }),
  row('slowlog-log-slower-than', 'int', '10000', { min: -1n, max: 9223372036854775807n }),
  row('slowlog-max-len', 'int', '128', { min: 0n, max: 9223372036854775807n }),
  row('socket-mark-id', 'int', '0', { mode: 'immutable', min: 0n, max: 4294967295n }),
  row('stop-writes-on-bgsave-error', 'bool', 'yes'),
  row('stream-node-max-bytes', 'memory', '4096', { min: 0n, max: 9223372036854775807n }),
  row('stream-node-max-entries', 'int', '100', { min: 0n, max: 9223372036854775807n }),
  row('supervised', 'enum', 'no', { mode: 'immutable', values: ['upstart', 'systemd', 'auto', 'no'] }),
  row('syslog-enabled', 'bool', 'no', { mode: 'immutable' }),
  row('syslog-facility', 'enum', 'local0', { mode: 'immutable', values: ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] }),
  row('syslog-ident', 'string', 'redis', { mode: 'immutable' }),
  row('tcp-backlog', 'int', '511', { mode: 'immutable', min: 0n, max: 2147483647n }),
  row('tcp-keepalive', 'int', '300', { min: 0n, max: 2147483647n, effect: true }),
  row('timeout', 'int', '0', { min: 0n, max: 2147483647n, effect: true }),
  row('tls-auth-clients', 'enum', 'yes', { values: ['no', 'yes', 'optional'] }),
  row('tls-ca-cert-dir', 'string', ''),
  row('tls-ca-cert-file', 'string', ''),
  row('tls-cert-file', 'string', ''),
  row('tls-ciphers', 'string', ''),
  row('tls-ciphersuites', 'string', ''),
  row('tls-client-cert-file', 'string', ''),
  row('tls-client-key-file', 'string', ''),
  row('tls-client-key-file-pass', 'string', ''),
  row('tls-cluster', 'bool', 'no'),
  row('tls-dh-params-file', 'string', ''),
  row('tls-key-file', 'string', ''),
  row('tls-key-file-pass', 'string', ''),
  row('tls-port', 'int', '0', { min: 0n, max: 65535n }),
  row('tls-prefer-server-ciphers', 'bool', 'no'),
  row('tls-protocols', 'string', ''),
  row('tls-replication', 'bool', 'no'),
  row('tls-session-cache-size', 'int', '20480', { min: 0n, max: 2147483647n }),
  row('tls-session-cache-timeout', 'int', '300', { min: 0n, max: 2147483647n }),
  row('tls-session-caching', 'bool', 'yes'),
  row('tracking-table-max-keys', 'int', '1000000', { min: 0n, max: 9223372036854775807n }),
  row('unixsocket', 'string', '', { mode: 'immutable', effect: true }),
  row('unixsocketperm', 'octal', '0', { mode: 'immutable', min: 0n, max: 511n, effect: true }),
  row('zset-max-listpack-entries', 'int', '128', { min: 0n, max: 9223372036854775807n, aliases: ['zset-max-ziplist-entries'], effect: true }),
  row('zset-max-listpack-value', 'memory', '64', { min: 0n, max: 9223372036854775807n, aliases: ['zset-max-ziplist-value'], effect: true }),
];

/** Lowercase name or alias -> directive. */
export const DIRECTIVE_BY_NAME: ReadonlyMap<string, Directive> = new Map(
  DIRECTIVES.flatMap((d) => [[d.name, d] as const, ...d.aliases.map((a) => [a, d] as const)]),
);
