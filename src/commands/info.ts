/**
 * INFO [section ...]: the server's state as Redis 7.0 prints it. Field names
 * and their order follow Redis 7.0.15 exactly (clients and monitoring tools
 * parse them); values are respite's own. Features not built yet report the
 * values an idle Redis reports for them (no RDB save running, AOF off,
 * master with no replicas).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { REDIS_VERSION, RESPITE_VERSION } from '../version.js';
import { migrateCachedSockets } from './migrate.js';
import { aofEnabledInfoFields, aofInfoFields } from './persistence.js';
import { rdbInfoFields, rdbSaveProgressFields } from '../persistence/rdb/manager.js';
import type { Command, CommandDef } from './table.js';
import { trackingInfo } from '../tracking/tracking.js';

type Field = [string, string | number];

/** Per-server values fixed at first use (run id, replication id, memory baseline). */
interface InfoState {
  runId: string;
  replId: string;
  startupMemory: number;
  peakMemory: number;
}

const states = new WeakMap<Server, InfoState>();

function stateOf(server: Server): InfoState {
  let st = states.get(server);
  if (st === undefined) {
    const used = usedMemory();
    st = { runId: crypto.randomBytes(20).toString('hex'), replId: crypto.randomBytes(20).toString('hex'), startupMemory: used, peakMemory: used };
    states.set(server, st);
  }
  return st;
}

/** The run id INFO reports (40 hex characters, random per server). */
export function serverRunId(server: Server): string {
  return stateOf(server).runId;
}

function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Formats a byte count as Redis's bytesToHuman does ("919.10K", "6.50M", "0B"). */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** Redis's LRU clock: Unix seconds modulo 2^24. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) % 0x1000000;
}

function serverSection(s: Server): Field[] {
  const now = Date.now();
  const uptime = Math.floor((now - s.startedAt) / 1000);
  const hz = s.config.int('hz');
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', process.arch.includes('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', process.platform === 'linux' ? 'epoll' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', stateOf(s).runId],
    ['tcp_port', s.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', lruClock(now)],
    ['executable', process.argv[1] ?? process.execPath],
    ['config_file', ''],
    ['io_threads_active', 0],
    // Not a Redis field: lets tools tell respite apart from Redis.
    ['respite_version', RESPITE_VERSION],
  ];
}

function clientsSection(s: Server): Field[] {
  return [
    ['connected_clients', s.clients.size],
    ['cluster_connections', 0],
    ['maxclients', s.config.int('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', s.blocking.blockedCount],
    ['tracking_clients', trackingInfo(s).clients],
    ['clients_in_timeout_table', 0],
  ];
}

function memorySection(s: Server): Field[] {
  const st = stateOf(s);
  const m = process.memoryUsage();
  const used = m.heapUsed + m.external;
  if (used > st.peakMemory) st.peakMemory = used;
  const overhead = Math.min(used, st.startupMemory);
  const dataset = used - overhead;
  const pct = (a: number, b: number) => (b === 0 ? '0.00%' : `${((a * 100) / b).toFixed(2)}%`);
  const maxmemory = s.config.directive('maxmemory') !== undefined ? Number(s.config.get('maxmemory')) : 0;
  const policy = s.config.directive('maxmemory-policy') !== undefined ? s.config.get('maxmemory-policy') : 'noeviction';
  const total = os.totalmem();
  const ratio = (a: number, b: number) => (b === 0 ? '0.00' : (a / b).toFixed(2));
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', st.peakMemory],
    ['used_memory_peak_human', bytesToHuman(st.peakMemory)],
    ['used_memory_peak_perc', pct(used, st.peakMemory)],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', st.startupMemory],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', pct(dataset, used - st.startupMemory + overhead)],
    ['allocator_allocated', m.heapUsed],
    ['allocator_active', m.heapTotal],
    ['allocator_resident', m.rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', policy],
    ['allocator_frag_ratio', ratio(m.heapTotal, m.heapUsed)],
    ['allocator_frag_bytes', m.heapTotal - m.heapUsed],
    ['allocator_rss_ratio', ratio(m.rss, m.heapTotal)],
    ['allocator_rss_bytes', m.rss - m.heapTotal],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(m.rss, used)],
    ['mem_fragmentation_bytes', m.rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(s: Server): Field[] {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ...rdbSaveProgressFields(s),
    ...rdbInfoFields(s),
    ...aofInfoFields(s),
    ...aofEnabledInfoFields(s),
  ];
}

function statsSection(s: Server): Field[] {
  const t = s.stats;
  return [
    ['total_connections_received', t.connectionsReceived],
    ['total_commands_processed', t.commandsProcessed],
    ['instantaneous_ops_per_sec', 0],
    ['total_net_input_bytes', t.netInputBytes],
    ['total_net_output_bytes', t.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', t.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', t.expiredKeys],
    ['expired_stale_perc', t.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', t.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', t.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', t.keyspaceHits],
    ['keyspace_misses', t.keyspaceMisses],
    ['pubsub_channels', s.pubsub.channels.size],
    ['pubsub_patterns', s.pubsub.patterns.size],
    ['pubsubshard_channels', s.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', migrateCachedSockets(s)],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', trackingInfo(s).keys],
    ['tracking_total_items', trackingInfo(s).items],
    ['tracking_total_prefixes', trackingInfo(s).prefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', t.errorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', t.commandsProcessed],
    ['total_writes_processed', t.commandsProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationSection(s: Server): Field[] {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', stateOf(s).replId],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

/** Seconds with microseconds, as Redis prints rusage ("0.002915"). */
function cpuSeconds(usec: number): string {
  return `${Math.floor(usec / 1e6)}.${String(usec % 1e6).padStart(6, '0')}`;
}

function cpuSection(): Field[] {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', cpuSeconds(u.system)],
    ['used_cpu_user', cpuSeconds(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', cpuSeconds(u.system)],
    ['used_cpu_user_main_thread', cpuSeconds(u.user)],
  ];
}

/** Every command and subcommand that has been called or refused at least once. */
function commandsWithStats(s: Server): Command[] {
  const out: Command[] = [];
  const visit = (cmd: Command) => {
    const st = cmd.stats;
    if (st.calls !== 0 || st.failedCalls !== 0 || st.rejectedCalls !== 0) out.push(cmd);
  };
  for (const cmd of s.commands.commands.values()) {
    visit(cmd);
    if (cmd.subcommands !== undefined) for (const sub of cmd.subcommands.values()) visit(sub);
  }
  return out;
}

function commandstatsSection(s: Server): Field[] {
  return commandsWithStats(s).map((cmd) => {
    const st = cmd.stats;
    const usec = Math.round(st.usec);
    const perCall = st.calls === 0 ? 0 : usec / st.calls;
    return [
      `cmdstat_${cmd.fullName}`,
      `calls=${st.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`,
    ];
  });
}

function errorstatsSection(s: Server): Field[] {
  // Redis keeps error codes in a radix tree, so they come out sorted bytewise.
  const codes = [...s.stats.errorCodes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${code}`, `count=${s.stats.errorCodes.get(code)}`]);
}

function latencystatsSection(s: Server): Field[] {
  // No latency histogram yet: every percentile reports the mean call time.
  const out: Field[] = [];
  for (const cmd of commandsWithStats(s)) {
    if (cmd.stats.calls === 0) continue;
    const mean = (cmd.stats.usec / cmd.stats.calls).toFixed(3);
    out.push([`latency_percentiles_usec_${cmd.fullName}`, `p50=${mean},p99=${mean},p99.9=${mean}`]);
  }
  return out;
}

function keyspaceSection(s: Server): Field[] {
  const out: Field[] = [];
  for (const db of s.dbs) {
    if (db.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${avgTtl(s, db.expires)}`]);
  }
  return out;
}

/** Mean remaining TTL in ms over a sample of the volatile keys (Redis estimates it too). */
function avgTtl(s: Server, expires: { size: number; scan(c: number, n: number, v: (k: string, when: number) => void): number }): number {
  if (expires.size === 0) return 0;
  let sum = 0;
  let n = 0;
  const now = s.now() || Date.now();
  expires.scan(0, 20, (_k, when) => {
    sum += Math.max(0, when - now);
    n++;
  });
  return n === 0 ? 0 : Math.floor(sum / n);
}

interface Section {
  name: string;
  title: string;
  build: (s: Server) => Field[];
  /** Part of a bare INFO / INFO default. */
  inDefault: boolean;
}

/** Sections in Redis 7.0's output order. */
const SECTIONS: Section[] = [
  { name: 'server', title: 'Server', build: serverSection, inDefault: true },
  { name: 'clients', title: 'Clients', build: clientsSection, inDefault: true },
  { name: 'memory', title: 'Memory', build: memorySection, inDefault: true },
  { name: 'persistence', title: 'Persistence', build: persistenceSection, inDefault: true },
  { name: 'stats', title: 'Stats', build: statsSection, inDefault: true },
  { name: 'replication', title: 'Replication', build: replicationSection, inDefault: true },
  { name: 'cpu', title: 'CPU', build: cpuSection, inDefault: true },
  { name: 'modules', title: 'Modules', build: () => [], inDefault: true },
  { name: 'commandstats', title: 'Commandstats', build: commandstatsSection, inDefault: false },
  { name: 'errorstats', title: 'Errorstats', build: errorstatsSection, inDefault: true },
  { name: 'latencystats', title: 'Latencystats', build: latencystatsSection, inDefault: false },
  { name: 'cluster', title: 'Cluster', build: () => [['cluster_enabled', 0]], inDefault: true },
  { name: 'keyspace', title: 'Keyspace', build: keyspaceSection, inDefault: true },
];

/** Which sections INFO's arguments select ("all", "default", "everything" or names, any case). */
function selectSections(args: readonly string[]): Set<string> {
  const picked = new Set<string>();
  if (args.length === 0) args = ['default'];
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'all' || a === 'everything') {
      for (const s of SECTIONS) picked.add(s.name);
    } else if (a === 'default') {
      for (const s of SECTIONS) if (s.inDefault) picked.add(s.name);
    } else {
      picked.add(a);
    }
  }
  return picked;
}

/** The INFO text for the given section arguments. */
export function infoText(server: Server, args: readonly string[]): string {
  const picked = selectSections(args);
  const parts: string[] = [];
  for (const sec of SECTIONS) {
    if (!picked.has(sec.name)) continue;
    let text = `# ${sec.title}\r\n`;
    for (const [k, v] of sec.build(server)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  // Sections are separated by an empty line; the last one ends with its own CRLF.
  return parts.join('\r\n');
}

// INFO [section [section ...]]
function info(c: Client, argv: string[]): void {
  const text = infoText(c.server, argv.slice(1));
  c.verbatim(text);
}

export const infoCommands: CommandDef[] = [{ name: 'info', handler: info }];
