import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { RespValue } from '../../src/protocol/resp-reader.js';

/** A parsed reply as plain strings and arrays. */
function plain(v: RespValue): unknown {
  if (v.t === 'array' || v.t === 'set' || v.t === 'push') return v.v === null ? null : v.v.map(plain);
  if (v.t === 'map') return v.v.map(([k, x]) => [plain(k), plain(x)]);
  if (v.t === 'null') return null;
  return v.v === null ? null : String(v.v);
}

/** Sends each command line (space-separated; `\e` = empty argument) to both servers, replies compared. */
async function script(p: Pair, lines: string[]): Promise<void> {
  for (const line of lines) {
    const args = line.split(' ').map((a) =>
      a === '\\e' ? '' : a.replace(/\\s/g, ' ').replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    );
    try {
      await p.same(...args);
    } catch (e) {
      if (e instanceof Error && !e.message.includes(line.split(' ')[0])) e.message = `${line}: ${e.message}`;
      throw e;
    }
  }
}

const LONG = 'x'.repeat(70);

const ADD = [
  'ZADD z 1 a 2 b 3 c',
  'ZADD z XX NX 1 a',
  'ZADD z GT LT 1 a',
  'ZADD z NX GT 1 a',
  'ZADD z NX LT 1 a',
  'ZADD z INCR 1 a 2 b',
  'ZADD z 1 a 2',
  'ZADD z nan a',
  'ZADD z 1e400 a',
  'ZADD z 1e-400 a',
  'ZADD z \\s1 a',
  'ZADD z 1\\s a',
  'ZADD z \\e a',
  'ZADD z FOO 1 a',
  'ZADD z GT',
  'ZADD z 0x10 hex',
  'ZSCORE z hex',
  'ZADD z 1e-310 tiny',
  'ZSCORE z tiny',
  'ZADD z CH 5 a 6 b 3 c 9 d',
  'ZADD z NX 100 a 100 e',
  'ZADD z XX 100 a 100 f',
  'ZADD z XX CH 200 a 100 g',
  'ZADD z GT CH 1 a 300 b',
  'ZADD z LT CH 1 a 300 c',
  'ZADD z INCR 5 a',
  'ZADD z INCR NX 5 a',
  'ZADD z INCR XX 5 a',
  'ZADD z INCR XX 5 nope',
  'ZADD z INCR GT -1 a',
  'ZADD z INCR LT -1 a',
  'ZADD z INCR inf a',
  'ZADD z INCR -inf a',
  'ZADD z inf pinf -inf ninf +inf pinf2',
  'ZINCRBY z -inf pinf',
  'ZINCRBY z 1.5 newone',
  'ZINCRBY z x a',
  'ZINCRBY z 0.1 newone',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZADD nokey XX 1 a',
  'ZADD nokey XX INCR 1 a',
  'EXISTS nokey',
  'SET str v',
  'ZADD str 1 a',
  'ZADD str x a',
  'ZINCRBY str 1 a',
  'ZADD z 2.5 a 2.5 b 2.5 c',
  'ZADD z 0 -0',
  'ZADD z -0 negzero',
  'ZSCORE z negzero',
  'ZRANGE z 0 -1 WITHSCORES',
];

const READS = [
  'ZADD z 1 a 2 b 3 c 4 d 5 e 0.5 f',
  'ZSCORE z a',
  'ZSCORE z nope',
  'ZSCORE nokey a',
  'ZMSCORE z a nope f',
  'ZMSCORE nokey a b',
  'ZRANK z a',
  'ZRANK z f',
  'ZRANK z nope',
  'ZREVRANK z a',
  'ZREVRANK nokey a',
  'ZCARD z',
  'ZCARD nokey',
  'ZCOUNT z -inf +inf',
  'ZCOUNT z (1 3',
  'ZCOUNT z 1 (3',
  'ZCOUNT z 3 1',
  'ZCOUNT z (3 3',
  'ZCOUNT z a b',
  'ZCOUNT z \\e \\e',
  'ZCOUNT z ( +inf',
  'ZCOUNT z \\s1 +inf',
  'ZCOUNT z 1\\s +inf',
  'ZCOUNT z 1e400 +inf',
  'ZCOUNT z nan +inf',
  'ZCOUNT z -inf (inf',
  'ZCOUNT nokey 0 1',
  'SET str v',
  'ZSCORE str a',
  'ZMSCORE str a',
  'ZRANK str a',
  'ZCARD str',
  'ZCOUNT str 0 1',
  'ZCOUNT str a b',
  'ZADD lex 0 a 0 b 0 c 0 d 0 e 0 foo 0 bar',
  'ZLEXCOUNT lex - +',
  'ZLEXCOUNT lex [b (e',
  'ZLEXCOUNT lex (b [e',
  'ZLEXCOUNT lex + -',
  'ZLEXCOUNT lex [e [b',
  'ZLEXCOUNT lex a b',
  'ZLEXCOUNT lex +a -',
  'ZLEXCOUNT lex \\e +',
  'ZLEXCOUNT lex [ +',
  'ZLEXCOUNT lex ( (',
  'ZLEXCOUNT lex [b [b',
  'ZLEXCOUNT lex (b [b',
  'ZLEXCOUNT nokey - +',
  'ZADD mixed 1 d 2 a 3 c 4 b 5 e 6 a2',
  'ZLEXCOUNT mixed [b [d',
  'ZLEXCOUNT mixed - [c',
  'ZLEXCOUNT mixed [c +',
  'ZRANGEBYLEX mixed [b [d',
  'ZRANGEBYLEX mixed - [c',
  'ZRANGEBYLEX mixed (a +',
  'ZREVRANGEBYLEX mixed + [c',
  'ZREVRANGEBYLEX mixed [e - LIMIT 1 2',
  'ZREMRANGEBYLEX mixed [a [c',
  'ZREMRANGEBYLEX mixed [d [e',
  'ZRANGE mixed 0 -1',
  'ZLEXCOUNT str - +',
];

const RANGES = [
  'ZADD z 1 a 2 b 3 c 4 d 5 e 0.5 f 3 cc',
  'ZRANGE z 0 -1',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZRANGE z 2 3 withscores',
  'ZRANGE z -3 -1',
  'ZRANGE z -100 100',
  'ZRANGE z 5 2',
  'ZRANGE z 10 20',
  'ZRANGE z 0 -1 REV WITHSCORES',
  'ZRANGE z 1 2 REV',
  'ZRANGE z 0 -1 LIMIT 0 1',
  'ZRANGE z 0 -1 LIMIT 0 -1',
  'ZRANGE z 0 -1 BYLEX WITHSCORES',
  'ZRANGE z (1 2 BYSCORE',
  'ZRANGE z (1 2',
  'ZRANGE z a b BYLEX',
  'ZRANGE z 0 1 BYSCORE BYLEX',
  'ZRANGE z 0 1 REV REV',
  'ZRANGE z 0 1 LIMIT 0',
  'ZRANGE z 0 1 BYSCORE LIMIT a b',
  'ZRANGE z -inf +inf BYSCORE WITHSCORES',
  'ZRANGE z -inf +inf BYSCORE LIMIT 1 2 WITHSCORES',
  'ZRANGE z -inf +inf BYSCORE LIMIT 1 -1',
  'ZRANGE z -inf +inf BYSCORE LIMIT -1 2',
  'ZRANGE z -inf +inf BYSCORE LIMIT 100 2',
  'ZRANGE z -inf +inf BYSCORE LIMIT 2 0',
  'ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES',
  'ZRANGE z (4 (1 BYSCORE REV',
  'ZRANGE z 4 1 BYSCORE',
  'ZRANGE z 0 -1 FOO',
  'ZRANGEBYSCORE z -inf +inf',
  'ZRANGEBYSCORE z (1 3 WITHSCORES',
  'ZRANGEBYSCORE z 1 3 LIMIT 1 1',
  'ZRANGEBYSCORE z 1 3 REV',
  'ZRANGEBYSCORE z 1 3 BYLEX',
  'ZRANGEBYSCORE z x 3',
  'ZREVRANGEBYSCORE z +inf -inf WITHSCORES',
  'ZREVRANGEBYSCORE z 3 (1 LIMIT 0 2',
  'ZREVRANGEBYSCORE z 1 3',
  'ZREVRANGE z 0 -1 WITHSCORES',
  'ZREVRANGE z 0 1 LIMIT 0 1',
  'ZREVRANGE z 0 1 BYSCORE',
  'ZREVRANGE z 0 1 REV',
  'ZADD lex 0 a 0 b 0 c 0 d 0 e 0 foo 0 bar',
  'ZRANGEBYLEX lex - +',
  'ZRANGEBYLEX lex [b (e',
  'ZRANGEBYLEX lex - + LIMIT 2 3',
  'ZRANGEBYLEX lex - + WITHSCORES',
  'ZRANGEBYLEX lex + -',
  'ZRANGEBYLEX lex a b',
  'ZREVRANGEBYLEX lex + -',
  'ZREVRANGEBYLEX lex (f [b LIMIT 1 2',
  'ZREVRANGEBYLEX lex - +',
  'ZRANGE lex [b [f BYLEX',
  'ZRANGE lex [f [b BYLEX REV LIMIT 0 2',
  'ZRANGE nokey 0 -1',
  'ZRANGE nokey 0 -1 WITHSCORES',
  'ZRANGEBYSCORE nokey 0 1',
  'ZRANGE nokey a b',
  'SET str v',
  'ZRANGE str 0 -1',
  'ZRANGE str a b',
  'ZRANGEBYLEX str - +',
  'ZRANGESTORE dst z 0 -1',
  'ZRANGE dst 0 -1 WITHSCORES',
  'ZRANGESTORE dst z 1 3 BYSCORE REV',
  'ZRANGESTORE dst z 3 1 BYSCORE REV LIMIT 0 1',
  'ZRANGE dst 0 -1 WITHSCORES',
  'ZRANGESTORE dst lex [b [d BYLEX',
  'ZRANGE dst 0 -1 WITHSCORES',
  'ZRANGESTORE dst z 0 -1 WITHSCORES',
  'ZRANGESTORE dst z 5 2',
  'EXISTS dst',
  'ZRANGESTORE str nokey 0 -1',
  'EXISTS str',
  'SET str v',
  'ZRANGESTORE str z 0 0',
  'TYPE str',
  'ZRANGESTORE dst str 0 -1',
];

const REMOVES = [
  'ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g',
  'ZREM z a x b',
  'ZREM z nope',
  'ZREM nokey a',
  'ZREMRANGEBYRANK z 0 0',
  'ZREMRANGEBYRANK z -1 -1',
  'ZREMRANGEBYRANK z 10 20',
  'ZREMRANGEBYRANK z a 1',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZREMRANGEBYSCORE z (3 5',
  'ZREMRANGEBYSCORE z x 5',
  'ZREMRANGEBYSCORE z 5 3',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZREMRANGEBYSCORE z -inf +inf',
  'EXISTS z',
  'ZADD lex 0 a 0 b 0 c 0 d 0 e',
  'ZREMRANGEBYLEX lex [b (d',
  'ZREMRANGEBYLEX lex a b',
  'ZREMRANGEBYLEX lex - +',
  'EXISTS lex',
  'ZREMRANGEBYLEX nokey - +',
  'ZREMRANGEBYSCORE nokey 0 1',
  'ZREMRANGEBYRANK nokey 0 1',
  'SET str v',
  'ZREM str a',
  'ZREMRANGEBYRANK str 0 1',
  'ZREMRANGEBYSCORE str 0 1',
  'ZREMRANGEBYSCORE str a 1',
  'ZREMRANGEBYLEX str - +',
  'ZADD z 1 a',
  'ZREM z a',
  'EXISTS z',
];

const POPS = [
  'ZADD z 1 a 2 b 3 c 4 d 5 e',
  'ZPOPMIN z',
  'ZPOPMAX z',
  'ZPOPMIN z 2',
  'ZPOPMAX z 1',
  'ZPOPMIN z 0',
  'ZPOPMIN z -1',
  'ZPOPMIN z a',
  'ZPOPMIN z 1 2',
  'ZPOPMIN z 10',
  'EXISTS z',
  'ZPOPMIN nokey',
  'ZPOPMIN nokey 2',
  'ZPOPMAX nokey 0',
  'ZADD z 1 a 2 b 3 c',
  'ZMPOP 1 z MIN',
  'ZMPOP 1 z MAX COUNT 5',
  'ZMPOP 1 z MIN',
  'ZMPOP 2 nokey z MIN',
  'ZADD z2 1 a 2 b',
  'ZMPOP 2 nokey z2 MAX COUNT 1',
  'ZMPOP 0 z MIN',
  'ZMPOP a z MIN',
  'ZMPOP 1 z FOO',
  'ZMPOP 3 z MIN',
  'ZMPOP 1 z MIN COUNT 0',
  'ZMPOP 1 z MIN COUNT -1',
  'ZMPOP 1 z MIN COUNT x',
  'ZMPOP 1 z MIN COUNT 1 COUNT 1',
  'ZMPOP 1 z MIN COUNT',
  'ZMPOP 1 z MIN FOO',
  'SET str v',
  'ZPOPMIN str',
  'ZMPOP 2 str z2 MIN',
  'ZMPOP 2 z2 str MIN',
  'ZMPOP 2 nokey str MIN',
  'ZADD z2 1 a 2 b',
  'BZPOPMIN z2 0',
  'BZPOPMAX z2 z 0',
  'BZPOPMIN z -1',
  'BZPOPMIN z x',
  'BZPOPMIN str 0',
  'ZADD z3 1 a 2 b 3 c',
  'BZMPOP 0 1 z3 MAX COUNT 2',
  'BZMPOP 0 2 nokey z3 MIN',
  'BZMPOP x 1 z MIN',
  'BZMPOP 0 0 z MIN',
  'BZMPOP -1 1 z MIN',
  'BZMPOP 0 1 str MIN',
];

const RANDOM = [
  'ZADD z 1 a',
  'ZRANDMEMBER z',
  'ZRANDMEMBER z 1',
  'ZRANDMEMBER z 1 WITHSCORES',
  'ZRANDMEMBER z 5 WITHSCORES',
  'ZRANDMEMBER z -3 WITHSCORES',
  'ZRANDMEMBER z 0',
  'ZRANDMEMBER z -9223372036854775808',
  'ZRANDMEMBER z 9223372036854775807 WITHSCORES',
  'ZRANDMEMBER z x',
  'ZRANDMEMBER z 1 foo',
  'ZRANDMEMBER z 1 WITHSCORES foo',
  'ZRANDMEMBER z -4611686018427387904 WITHSCORES',
  'ZRANDMEMBER z 4611686018427387904 WITHSCORES',
  'ZRANDMEMBER z 4611686018427387904 foo',
  'ZRANDMEMBER z 4611686018427387903 WITHSCORES',
  'ZRANDMEMBER nokey',
  'ZRANDMEMBER nokey 3',
  'ZRANDMEMBER nokey 3 WITHSCORES',
  'SET str v',
  'ZRANDMEMBER str',
  'ZRANDMEMBER str 1',
];

const SETOPS = [
  'ZADD a 1 x 2 y 3 z',
  'ZADD b 10 y 20 z 30 w',
  'ZADD c 0.1 x 0.2 y',
  'ZUNION 2 a b',
  'ZUNION 2 a b WITHSCORES',
  'ZUNION 3 a b c WITHSCORES',
  'ZUNION 2 a b WEIGHTS 2 3 WITHSCORES',
  'ZUNION 2 a b WEIGHTS 2 WITHSCORES',
  'ZUNION 2 a b AGGREGATE MIN WITHSCORES',
  'ZUNION 2 a b AGGREGATE max WITHSCORES',
  'ZUNION 2 a b AGGREGATE foo',
  'ZUNION 2 a b AGGREGATE',
  'ZUNION 2 a b WEIGHTS 1 x',
  'ZUNION 2 a nokey WITHSCORES',
  'ZUNION 0 a',
  'ZUNION -1 a',
  'ZUNION 3 a b',
  'ZUNION x a',
  'ZUNION 1 a WITHSCORES WITHSCORES',
  'ZUNION 1 a foo',
  'ZINTER 2 a b WITHSCORES',
  'ZINTER 3 a b c WITHSCORES',
  'ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE MAX WITHSCORES',
  'ZINTER 2 a nokey',
  'ZINTER 2 a a WITHSCORES',
  'ZDIFF 2 a b WITHSCORES',
  'ZDIFF 3 a b c',
  'ZDIFF 1 nokey',
  'ZDIFF 2 a b WEIGHTS 1 1',
  'ZDIFF 2 a b AGGREGATE MIN',
  'ZINTERCARD 2 a b',
  'ZINTERCARD 2 a b LIMIT 1',
  'ZINTERCARD 2 a b LIMIT 0',
  'ZINTERCARD 2 a b LIMIT -1',
  'ZINTERCARD 2 a b LIMIT x',
  'ZINTERCARD 0 a',
  'ZINTERCARD 2 a b WITHSCORES',
  'ZINTERCARD 1 nokey',
  'ZUNIONSTORE d 2 a b',
  'ZRANGE d 0 -1 WITHSCORES',
  'ZUNIONSTORE d 2 a b WITHSCORES',
  'ZUNIONSTORE d 0 a',
  'ZINTERSTORE d 2 a b WEIGHTS 0.5 2 AGGREGATE SUM',
  'ZRANGE d 0 -1 WITHSCORES',
  'ZDIFFSTORE d 2 a b',
  'ZRANGE d 0 -1 WITHSCORES',
  'ZINTERSTORE d 2 a nokey',
  'EXISTS d',
  'ZADD inf1 inf m -inf n 1 o',
  'ZADD inf2 -inf m -inf n inf o',
  'ZUNION 2 inf1 inf2 WITHSCORES',
  'ZINTER 2 inf1 inf2 WITHSCORES',
  'ZUNION 2 inf1 inf2 WEIGHTS 0 1 WITHSCORES',
  'ZINTER 2 inf1 inf2 WEIGHTS 1 0 WITHSCORES',
  'ZINTER 2 inf1 inf2 WEIGHTS 1 0 AGGREGATE MIN WITHSCORES',
  'ZINTER 2 inf1 inf2 WEIGHTS 1 0 AGGREGATE MAX WITHSCORES',
  'ZUNION 2 inf1 inf2 WEIGHTS -inf inf WITHSCORES',
  'SET str v',
  'ZUNION 2 a str',
  'ZUNION 2 str a AGGREGATE foo',
  'ZINTERSTORE d 1 str',
  'ZUNIONSTORE str 1 a',
  'TYPE str',
  'ZADD f1 0.1 m',
  'ZADD f2 0.2 m',
  'ZADD f3 0.3 m',
  'ZUNION 3 f1 f2 f3 WITHSCORES',
  'ZUNION 3 f3 f2 f1 WITHSCORES',
  'ZINTER 3 f3 f1 f2 WITHSCORES',
];

const MIXED = [
  'SADD s1 a b c 1',
  'SADD s2 1 2 3',
  'ZADD z 5 a 6 b 7 q',
  'ZUNION 2 z s1 WITHSCORES',
  'ZUNION 3 z s1 s2 WEIGHTS 1 2 3 WITHSCORES',
  'ZINTER 2 s1 z WITHSCORES',
  'ZINTER 2 s1 s2 AGGREGATE MAX WITHSCORES',
  'ZDIFF 2 s1 z WITHSCORES',
  'ZDIFF 2 z s1 WITHSCORES',
  'ZINTERCARD 2 s1 z',
  'ZUNIONSTORE d 2 s1 s2',
  'ZRANGE d 0 -1 WITHSCORES',
  'OBJECT ENCODING d',
  'ZUNIONSTORE z 2 z z',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZINTERSTORE z 3 z z z AGGREGATE MIN',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZRANGESTORE z z 1 -1',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZDIFFSTORE z 1 z',
  'ZRANGE z 0 -1 WITHSCORES',
  'ZADD bin 0 \x00a 0 \xff 0 a 0 A',
  'ZRANGEBYLEX bin - +',
  'ZRANGEBYLEX bin [a +',
  'ZSCORE s1 a',
  'ZCARD s1',
  'TYPE bin',
  'COPY bin bin2',
  'ZRANGE bin2 0 -1 WITHSCORES',
  'OBJECT ENCODING bin2',
  'RENAME bin2 bin3',
  'ZADD bin3 1 new',
  'ZCARD bin',
  'ZCARD bin3',
];

describe('differential: sorted sets', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  const groups: Array<[string, string[]]> = [
    ['ZADD and ZINCRBY: flags, errors, scores', ADD],
    ['ZSCORE ZMSCORE ZRANK ZCARD ZCOUNT ZLEXCOUNT', READS],
    ['ZRANGE family and ZRANGESTORE', RANGES],
    ['ZREM and ZREMRANGEBY*', REMOVES],
    ['ZPOPMIN ZPOPMAX ZMPOP and non-blocking BZ*', POPS],
    ['ZRANDMEMBER errors and deterministic cases', RANDOM],
    ['ZUNION ZINTER ZDIFF ZINTERCARD and STORE forms', SETOPS],
    ['set inputs, repeated keys, binary members', MIXED],
  ];
  for (const [name, lines] of groups) {
    it(`${name} (RESP2)`, async () => {
      await script(env.pair, lines);
    });
    it(`${name} (RESP3)`, async () => {
      const p = await env.connect();
      await p.both('HELLO', '3');
      await script(p, lines);
      p.close();
    });
  }

  it('encodings: listpack limits, one-way conversion, fresh results re-pick', async () => {
    await script(env.pair, [
      `ZADD a 1 ${LONG}`,
      'OBJECT ENCODING a',
      `ZADD b 1 x 2 ${LONG}`,
      'OBJECT ENCODING b',
      `ZREM b ${LONG}`,
      'OBJECT ENCODING b',
      'ZUNIONSTORE c 1 b',
      'OBJECT ENCODING c',
      'ZRANGESTORE d b 0 -1',
      'OBJECT ENCODING d',
      'ZINTERSTORE e 1 b',
      'OBJECT ENCODING e',
      'ZDIFFSTORE f 1 b',
      'OBJECT ENCODING f',
      'ZADD s 1 x',
      'OBJECT ENCODING s',
      'CONFIG SET zset-max-listpack-entries 3',
      'ZADD s 2 y 3 z',
      'OBJECT ENCODING s',
      'ZADD s 4 w',
      'OBJECT ENCODING s',
      'ZREM s w z',
      'OBJECT ENCODING s',
      'ZUNIONSTORE s2 1 s',
      'OBJECT ENCODING s2',
      'ZADD t 1 a 2 b 3 c 4 d',
      'OBJECT ENCODING t',
      'ZRANGESTORE t2 t 0 2',
      'OBJECT ENCODING t2',
      'ZRANGESTORE t3 t 0 3',
      'OBJECT ENCODING t3',
      'CONFIG SET zset-max-listpack-entries 0',
      'ZADD g 1 a',
      'OBJECT ENCODING g',
      'ZINCRBY g2 1 a',
      'OBJECT ENCODING g2',
      'ZUNIONSTORE h 1 c',
      'OBJECT ENCODING h',
      'CONFIG SET zset-max-listpack-entries 128',
      'CONFIG SET zset-max-listpack-value 2',
      'ZADD v 1 ab',
      'OBJECT ENCODING v',
      'ZADD v 1 abc',
      'OBJECT ENCODING v',
      'CONFIG SET zset-max-listpack-value 64',
    ]);
  });

  it('skiplist encoding answers the same as listpack (128+ members)', async () => {
    const args: string[] = ['ZADD', 'big'];
    for (let i = 0; i < 300; i++) args.push(String((i * 7919) % 101), `m${i}`);
    await env.pair.same(...args);
    await script(env.pair, [
      'OBJECT ENCODING big',
      'ZRANGE big 0 20 WITHSCORES',
      'ZRANGE big -20 -1 REV WITHSCORES',
      'ZRANGE big (5 50 BYSCORE LIMIT 10 20 WITHSCORES',
      'ZRANGE big 50 (5 BYSCORE REV LIMIT 3 20',
      'ZCOUNT big 10 (90',
      'ZRANK big m150',
      'ZREVRANK big m150',
      'ZSCORE big m299',
      'ZADD big 0.5 -0',
      'ZADD big -0 negzero',
      'ZSCORE big negzero',
      'ZINCRBY big 1000 m1',
      'ZRANK big m1',
      'ZREMRANGEBYRANK big 10 19',
      'ZREMRANGEBYSCORE big (20 30',
      'ZPOPMIN big 3',
      'ZPOPMAX big 3',
      'ZRANGE big 0 -1 WITHSCORES',
      'ZUNIONSTORE u 1 big WEIGHTS 2',
      'OBJECT ENCODING u',
      'ZRANGE u 100 120 WITHSCORES',
      'ZCARD big',
    ]);
    const lex: string[] = ['ZADD biglex'];
    for (let i = 0; i < 200; i++) lex.push('0', `k${String(i).padStart(3, '0')}`);
    await env.pair.same(...lex);
    await script(env.pair, [
      'ZRANGEBYLEX biglex [k050 (k060',
      'ZREVRANGEBYLEX biglex (k060 - LIMIT 2 5',
      'ZLEXCOUNT biglex (k100 +',
      'ZREMRANGEBYLEX biglex - [k010',
      'ZCARD biglex',
    ]);
  });

  it('keyspace hits and misses are counted like Redis (read vs write lookups)', async () => {
    const stats = async (): Promise<[string, string]> => {
      const [a, b] = await env.pair.both('INFO', 'stats');
      const pick = (x: string): string => (x.match(/keyspace_(hits|misses):\d+/g) ?? []).join(',');
      return [pick(a), pick(b)];
    };
    await env.pair.same('CONFIG', 'RESETSTAT');
    await script(env.pair, [
      'ZADD z 1 a 2 b 3 c',
      'ZSCORE z a',
      'ZSCORE nokey a',
      'ZRANGE z 0 -1',
      'ZRANGESTORE d z 0 -1',
      'ZRANGESTORE d nokey 0 -1',
      'ZUNIONSTORE d 2 z nokey',
      'ZINTER 2 z nokey',
      'ZPOPMIN z',
      'ZMPOP 2 nokey z MIN',
      'ZREM nokey a',
      'ZRANDMEMBER z',
      'ZRANDMEMBER nokey 2',
      'ZSCAN z 0',
      'ZCARD nokey',
      'ZINCRBY z 1 a',
      'BZPOPMIN z 0',
    ]);
    const [a, b] = await stats();
    assert.ok(a.length > 0);
    assert.equal(b, a);
  });

  it('ZSCAN: listpack in one reply, skiplist cursor covers everything', async () => {
    await script(env.pair, [
      'ZADD z 0.1 a 1.5 b 1e20 c 123456789012 d -0 e inf f',
      'ZSCAN z 0',
      'ZSCAN z 0 MATCH a*',
      'ZSCAN z 0 COUNT 1',
      'ZSCAN z 0 COUNT 0',
      'ZSCAN z 0 COUNT x',
      'ZSCAN z 0 TYPE zset',
      'ZSCAN z 0 MATCH',
      'ZSCAN z x',
      'ZSCAN nokey 0',
      'ZSCAN nokey x',
      'ZSCAN nokey 0 COUNT 0',
      'SET str v',
      'ZSCAN str 0',
    ]);
    const args: string[] = ['ZADD', 'big'];
    for (let i = 0; i < 200; i++) args.push(String(i / 10), `m${i}`);
    await env.pair.same(...args);
    // Full iteration on respite must return every member with its score exactly once or more.
    const seen = new Map<string, string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, items] = plain(await env.pair.respite.callValue('ZSCAN', 'big', cursor, 'COUNT', '20')) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      cursor = next;
      rounds++;
    } while (cursor !== '0');
    assert.ok(rounds > 1, 'a skiplist-encoded set is scanned in several steps');
    const want = plain(await env.pair.redis.callValue('ZRANGE', 'big', '0', '-1', 'WITHSCORES')) as string[];
    const expected = new Map<string, string>();
    for (let i = 0; i < want.length; i += 2) expected.set(want[i], want[i + 1]);
    assert.deepEqual(seen, expected);
  });
});
