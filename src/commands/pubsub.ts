/**
 * Pub/Sub commands: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE, their UNSUBSCRIBE
 * counterparts, PUBLISH SPUBLISH and PUBSUB introspection. The registries
 * live in src/pubsub/pubsub.ts; these handlers only shape the replies.
 */
import { globMatch } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import type { SubKind } from '../pubsub/pubsub.js';
import { writeHelp } from './command.js';
import type { CommandDef } from './table.js';

const SUB_WORD: Record<SubKind, string> = { channel: 'subscribe', pattern: 'psubscribe', shard: 'ssubscribe' };
const UNSUB_WORD: Record<SubKind, string> = { channel: 'unsubscribe', pattern: 'punsubscribe', shard: 'sunsubscribe' };

/** One (un)subscribe confirmation: [kind, name, count] as a push (an array in RESP2). */
function confirm(c: Client, word: string, name: string | null, count: number): void {
  c.push(3);
  c.bulk(word);
  if (name === null) c.nil();
  else c.bulk(name);
  c.integer(count);
}

function subscribeTo(kind: SubKind): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const ps = c.server.pubsub;
    for (let i = 1; i < argv.length; i++) {
      ps.subscribe(c, kind, argv[i]);
      confirm(c, SUB_WORD[kind], argv[i], ps.replyCount(c, kind));
    }
  };
}

function unsubscribeFrom(kind: SubKind): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const ps = c.server.pubsub;
    const word = UNSUB_WORD[kind];
    // Without arguments: every subscription of this kind, and a single
    // confirmation with a null name when there was none.
    const names = argv.length > 1 ? argv.slice(1) : ps.namesOf(c, kind);
    if (names.length === 0) return confirm(c, word, null, ps.replyCount(c, kind));
    for (const name of names) {
      ps.unsubscribe(c, kind, name);
      confirm(c, word, name, ps.replyCount(c, kind));
    }
  };
}

// PUBLISH channel message
function publish(c: Client, argv: string[]): void {
  // Redis forwards PUBLISH to replicas only (never to the AOF, not dirty):
  // there is no replica link yet, so nothing is propagated.
  c.integer(c.server.pubsub.publish(argv[1], argv[2]));
}

// SPUBLISH shardchannel message
function spublish(c: Client, argv: string[]): void {
  c.integer(c.server.pubsub.spublish(argv[1], argv[2]));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: active channel names matching the pattern. */
function listChannels(registry: 'channels' | 'shardChannels'): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    if (argv.length > 3) {
      c.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try PUBSUB HELP.`);
      return;
    }
    const pattern = argv.length === 3 ? argv[2] : null;
    const out: string[] = [];
    for (const name of c.server.pubsub[registry].keys()) if (pattern === null || globMatch(pattern, name)) out.push(name);
    c.bulks(out);
  };
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat name/count array, in RESP3 too (as Redis 7.0). */
function numsub(kind: SubKind): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    c.array((argv.length - 2) * 2);
    for (let i = 2; i < argv.length; i++) {
      c.bulk(argv[i]);
      c.integer(c.server.pubsub.count(kind, argv[i]));
    }
  };
}

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

export const pubsubCommands: CommandDef[] = [
  { name: 'subscribe', handler: subscribeTo('channel') },
  { name: 'psubscribe', handler: subscribeTo('pattern') },
  { name: 'ssubscribe', handler: subscribeTo('shard') },
  { name: 'unsubscribe', handler: unsubscribeFrom('channel') },
  { name: 'punsubscribe', handler: unsubscribeFrom('pattern') },
  { name: 'sunsubscribe', handler: unsubscribeFrom('shard') },
  { name: 'publish', handler: publish },
  { name: 'spublish', handler: spublish },
  { name: 'pubsub|channels', handler: listChannels('channels') },
  { name: 'pubsub|shardchannels', handler: listChannels('shardChannels') },
  { name: 'pubsub|numsub', handler: numsub('channel') },
  { name: 'pubsub|shardnumsub', handler: numsub('shard') },
  { name: 'pubsub|numpat', handler: (c) => c.integer(c.server.pubsub.patterns.size) },
  { name: 'pubsub|help', handler: (c) => writeHelp(c, HELP) },
];
