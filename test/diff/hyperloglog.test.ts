import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';

/** The 16-byte header of an HLL: magic, encoding, 3 unused bytes, cached cardinality (LE). */
function header(encoding: number, card: bigint | null): string {
  let s = 'HYLL' + String.fromCharCode(encoding) + '\0\0\0';
  let v = card ?? 0n;
  for (let i = 0; i < 8; i++) {
    let b = Number(v & 0xffn);
    if (i === 7 && card === null) b |= 0x80;
    s += String.fromCharCode(b);
    v >>= 8n;
  }
  return s;
}

/** A dense body whose registers all hold `value` (6-bit LSB-first packing). */
function denseBody(value: (i: number) => number): string {
  const bytes = new Uint8Array(12289);
  for (let i = 0; i < 16384; i++) {
    const bit = i * 6;
    const b = bit >> 3;
    const fb = bit & 7;
    const v = value(i);
    bytes[b] |= (v << fb) & 0xff;
    bytes[b + 1] |= v >> (8 - fb);
  }
  return Buffer.from(bytes.subarray(0, 12288)).toString('latin1');
}

function elements(prefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}${i}`);
  return out;
}

describe('differential: HyperLogLog commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p = env.pair;
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  /** PFADDs `els` in batches, comparing each reply and the bytes after each batch. */
  async function addAll(key: string, els: string[], batch: number): Promise<void> {
    for (let i = 0; i < els.length; i += batch) {
      await p.same('PFADD', key, ...els.slice(i, i + batch));
      await p.same('GET', key);
    }
  }

  it('PFADD/GET bytes and PFCOUNT for 1, 10, 100, 5000 and 50000 elements', async () => {
    for (const n of [1, 10, 100, 5000, 50000]) {
      const key = `h${n}`;
      await addAll(key, elements('ele:', 0, n), n <= 100 ? 1 : 1000);
      await p.same('PFCOUNT', key);
      await p.same('GET', key); // the cached cardinality is now in the header
      await p.same('PFDEBUG', 'ENCODING', key);
      await p.same('PFADD', key, 'ele:0'); // no register changes: 0, cache kept
      await p.same('GET', key);
      await p.same('OBJECT', 'ENCODING', key);
    }
    await p.same('PFCOUNT', 'h1', 'h10', 'h100', 'h5000', 'h50000', 'missing');
    await p.same('PFCOUNT', 'h100', 'h5000');
    await p.same('GET', 'h100'); // several keys: nothing cached
  });

  it('binary and empty elements, PFADD without elements', async () => {
    await sameAll([
      ['PFADD', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h'],
      ['PFADD', 'h', ''],
      ['PFADD', 'h', '\x00', '\xff\xfe', 'a\r\nb', 'x'.repeat(1000), 'abcdefg', 'abcdefgh', 'abcdefghi'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h', 'new'],
      ['GET', 'h'],
    ]);
  });

  async function sameAll(cmds: string[][]): Promise<void> {
    for (const c of cmds) await p.same(...c);
  }

  it('random elements, sparse to dense promotion under several hll-sparse-max-bytes', async () => {
    const seed = testSeed(4242);
    const r = new Rng(seed);
    for (const max of ['3000', '100', '0', '5000']) {
      await p.same('CONFIG', 'SET', 'hll-sparse-max-bytes', max);
      const key = `r${max}`;
      for (let round = 0; round < 60; round++) {
        const els: string[] = [];
        const n = r.int(1, 40);
        for (let i = 0; i < n; i++) {
          let e = '';
          const len = r.int(0, 20);
          for (let j = 0; j < len; j++) e += String.fromCharCode(r.int(0, 255));
          els.push(e);
        }
        const [a, b] = await p.both('PFADD', key, ...els);
        if (a !== b) throw new Error(`seed ${seed}: PFADD reply ${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
        const [ga, gb] = await p.both('GET', key);
        if (ga !== gb) throw new Error(`seed ${seed}: bytes differ after round ${round} (max ${max})`);
        if (r.chance(0.2)) await p.same('PFCOUNT', key);
      }
    }
    await p.same('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  });

  it('PFMERGE: sparse + sparse, sparse + dense, missing keys, into existing', async () => {
    await addAll('s1', elements('a', 0, 50), 50);
    await addAll('s2', elements('b', 0, 80), 80);
    await addAll('d1', elements('c', 0, 6000), 2000);
    await sameAll([
      ['PFMERGE', 'm1', 's1', 's2'],
      ['GET', 'm1'],
      ['PFCOUNT', 'm1'],
      ['PFMERGE', 'm2', 's1', 'd1'],
      ['GET', 'm2'],
      ['PFCOUNT', 'm2'],
      ['PFMERGE', 's1', 's2', 'missing'],
      ['GET', 's1'],
      ['PFMERGE', 'm3'],
      ['GET', 'm3'],
      ['PFMERGE', 'm4', 'missing'],
      ['GET', 'm4'],
      ['PFMERGE', 'd1', 's2'],
      ['GET', 'd1'],
      ['PFCOUNT', 's1', 's2', 'd1', 'm1', 'm2'],
      ['SET', 'ttl', 'x'],
      ['DEL', 'ttl'],
      ['PFADD', 'ttl', 'x'],
      ['EXPIRE', 'ttl', '1000'],
      ['PFMERGE', 'ttl', 's1'],
      ['TTL', 'ttl'],
      ['PFADD', 'ttl', 'zzz'],
      ['TTL', 'ttl'],
    ]);
    // A sparse merge large enough to turn dense midway (hll-sparse-max-bytes).
    await addAll('s3', elements('d', 0, 700), 100);
    await addAll('s4', elements('e', 0, 700), 100);
    await sameAll([['PFDEBUG', 'ENCODING', 's3'], ['PFMERGE', 'm5', 's3', 's4'], ['GET', 'm5'], ['PFDEBUG', 'ENCODING', 'm5']]);
  });

  it('WRONGTYPE and not-an-HLL values', async () => {
    await sameAll([
      ['RPUSH', 'l', 'a'],
      ['SET', 's', 'foo'],
      ['SET', 'n', '1234567890123456789'],
      ['SET', 'enc', header(2, 0n) + '\x7f\xff'],
      ['SET', 'shortdense', header(0, 0n) + 'abc'],
      ['SET', 'hdr', header(1, 0n).slice(0, 15)],
      ['PFADD', 'l', 'a'],
      ['PFADD', 's', 'a'],
      ['PFADD', 'n', 'a'],
      ['PFADD', 'enc', 'a'],
      ['PFADD', 'shortdense', 'a'],
      ['PFADD', 'hdr', 'a'],
      ['PFCOUNT', 'l'],
      ['PFCOUNT', 's'],
      ['PFCOUNT', 'missing', 's'],
      ['PFCOUNT', 'missing', 'l'],
      ['PFMERGE', 's', 'missing'],
      ['PFMERGE', 'd', 's'],
      ['PFMERGE', 'd', 'l'],
      ['EXISTS', 'd'],
      ['PFDEBUG', 'ENCODING', 's'],
      ['PFDEBUG', 'ENCODING', 'missing'],
    ]);
  });

  it('corrupted and hand-made HLLs: cache, INVALIDOBJ, dense registers above 32', async () => {
    const short = header(1, null) + '\x7f\xfe'; // XZERO of 16383 registers: one missing
    const long = header(1, null) + '\x7f\xff\x00'; // one register too many
    const cachedBad = header(1, 1234n) + '\x7f\xfe';
    const dense = header(0, null) + denseBody((i) => (i % 64 === 0 ? 45 : i % 7));
    await sameAll([
      ['SET', 'short', short],
      ['SET', 'long', long],
      ['SET', 'cachedbad', cachedBad],
      ['SET', 'dense', dense],
      ['PFCOUNT', 'short'],
      ['PFCOUNT', 'long'],
      ['PFCOUNT', 'cachedbad'],
      ['PFCOUNT', 'short', 'dense'],
      ['PFCOUNT', 'long', 'dense'],
      ['PFMERGE', 'm', 'short'],
      ['PFMERGE', 'm', 'long'],
      ['EXISTS', 'm'],
      ['PFCOUNT', 'dense'],
      ['GET', 'dense'],
      ['PFCOUNT', 'dense', 'missing'],
      ['PFMERGE', 'm', 'dense'],
      ['GET', 'm'],
      ['PFDEBUG', 'DECODE', 'short'],
      ['PFDEBUG', 'DECODE', 'long'],
      ['PFDEBUG', 'TODENSE', 'short'],
      ['PFDEBUG', 'GETREG', 'long'],
      ['PFADD', 'long', 'a', 'b', 'c'],
      ['GET', 'long'],
      ['PFDEBUG', 'GETREG', 'dense'],
    ]);
  });

  it('PFDEBUG subcommands and errors', async () => {
    await addAll('h', elements('x', 0, 30), 30);
    await sameAll([
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'decode', 'h'],
      ['PFDEBUG', 'DECODE', 'h', 'extra'],
      ['PFDEBUG', 'FOO', 'h'],
      ['PFDEBUG', 'FOO', 'missing'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['GET', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFADD', 'h2', 'a'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['GET', 'h2'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['PFSELFTEST'],
      ['PFSELFTEST', 'extra'],
    ]);
  });

  it('RESP3 replies', async () => {
    await p.both('HELLO', '3'); // carries the server version and client id
    await sameAll([
      ['PFADD', 'h', 'a', 'b'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'h', 'missing'],
      ['PFMERGE', 'm', 'h'],
      ['PFDEBUG', 'ENCODING', 'm'],
      ['PFDEBUG', 'DECODE', 'm'],
      ['PFADD', 'l'],
    ]);
    await p.both('HELLO', '2');
  });
});
