import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

function parse(raw: string): RespValue {
  return readReply(Buffer.from(raw, 'latin1'))![0];
}

function bulkList(raw: string): string[] {
  const v = parse(raw);
  assert.ok(v.t === 'array' && v.v !== null);
  return v.v.map((x) => (x.t === 'bulk' ? x.v! : '?'));
}

/** Removes Redis's prose fields (which respite's metadata omits) from a DOCS reply tree. */
function stripProse(v: RespValue): RespValue {
  const prose = new Set(['summary', 'complexity', 'history', 'deprecated_since', 'replaced_by', 'doc_flags']);
  if (v.t === 'map') return { t: 'map', v: v.v.filter(([k]) => !(k.t === 'bulk' && prose.has(k.v!))).map(([k, x]) => [k, stripProse(x)]) };
  if ((v.t === 'array' || v.t === 'set') && v.v !== null) {
    // RESP2 maps are flat arrays: drop prose key/value pairs there too.
    const out: RespValue[] = [];
    for (let i = 0; i < v.v.length; i++) {
      const x = v.v[i];
      if (x.t === 'bulk' && prose.has(x.v!) && i + 1 < v.v.length && i % 2 === 0) {
        i++;
        continue;
      }
      out.push(stripProse(x));
    }
    return { ...v, v: out } as RespValue;
  }
  return v;
}

const key = (x: RespValue) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? String(v) : v));

/** COMMAND INFO reply with each entry's subcommand list (index 9) sorted. */
function sortSubcommands(v: RespValue): RespValue {
  if (v.t !== 'array' || v.v === null) return v;
  return {
    t: 'array',
    v: v.v.map((entry) => {
      if (entry.t !== 'array' || entry.v === null) return entry;
      const subs = entry.v[9];
      if ((subs.t !== 'array' && subs.t !== 'set') || subs.v === null) return entry;
      const sorted = { ...subs, v: [...subs.v].sort((x, y) => (key(x) < key(y) ? -1 : 1)) } as RespValue;
      return { t: 'array', v: [...entry.v.slice(0, 9), sorted] };
    }),
  };
}

/** Sorts the entries of every "subcommands" map (RESP3 map or RESP2 flat array) in a DOCS tree. */
function sortDocs(v: RespValue): RespValue {
  if (v.t === 'map') {
    return { t: 'map', v: v.v.map(([k, x]) => [k, k.t === 'bulk' && k.v === 'subcommands' && x.t === 'map' ? { t: 'map', v: [...x.v].map(([a, b]) => [a, sortDocs(b)] as [RespValue, RespValue]).sort((p, q) => (key(p[0]) < key(q[0]) ? -1 : 1)) } : sortDocs(x)]) };
  }
  if (v.t === 'array' && v.v !== null) {
    const out = v.v.map(sortDocs);
    for (let i = 0; i + 1 < out.length; i += 2) {
      const k = out[i];
      const x = out[i + 1];
      if (k.t === 'bulk' && k.v === 'subcommands' && x.t === 'array' && x.v !== null) {
        const pairs: Array<[RespValue, RespValue]> = [];
        for (let j = 0; j + 1 < x.v.length; j += 2) pairs.push([x.v[j], x.v[j + 1]]);
        pairs.sort((p, q) => (key(p[0]) < key(q[0]) ? -1 : 1));
        out[i + 1] = { t: 'array', v: pairs.flat() };
      }
    }
    return { t: 'array', v: out };
  }
  return v;
}

describe('COMMAND', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let registered: string[];
  before(async () => {
    env = await DiffEnv.start();
    registered = [...env.server.server.commands.commands.keys()];
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  /** Byte-identical, except that subcommands come in Redis's (per-process random) dict order. */
  async function infoSame(p: Pair): Promise<void> {
    for (const name of registered) {
      const [a, b] = await p.both('COMMAND', 'INFO', name);
      if (env.server.server.commands.commands.get(name)!.subcommands === undefined) assert.equal(b, a, name);
      else assert.deepEqual(sortSubcommands(parse(b)), sortSubcommands(parse(a)), name);
    }
    await p.same('COMMAND', 'INFO', 'get', 'nosuchcmd', 'SET', 'client|list', 'client|nosuch');
  }

  it('COMMAND INFO of every registered command is byte-identical (RESP2)', async () => {
    await infoSame(env.pair);
  });

  it('COMMAND INFO in RESP3', async () => {
    const p = await env.connect();
    await p.both('HELLO', '3');
    await infoSame(p);
  });

  it('COMMAND DOCS equals Redis minus the prose fields', async () => {
    for (const resp of ['2', '3']) {
      const p = await env.connect();
      await p.both('HELLO', resp);
      for (const name of [...registered, 'client|list', 'nosuch']) {
        const [a, b] = await p.both('COMMAND', 'DOCS', name);
        assert.deepEqual(sortDocs(parse(b)), sortDocs(stripProse(parse(a))), `COMMAND DOCS ${name} (RESP${resp})`);
      }
      const [a, b] = await p.both('COMMAND', 'DOCS', 'get', 'nosuch', 'set');
      assert.deepEqual(parse(b), stripProse(parse(a)));
    }
  });

  it('COMMAND COUNT, COMMAND and COMMAND LIST cover exactly the registered commands', async () => {
    const p = env.pair;
    const [, count] = await p.both('COMMAND', 'COUNT');
    assert.equal(count, `:${registered.length}\r\n`);
    const all = new Set(bulkList((await p.both('COMMAND', 'LIST'))[0]));
    const ours = bulkList((await p.both('COMMAND', 'LIST'))[1]);
    for (const n of ours) assert.ok(all.has(n), `${n} is not a Redis command`);
    assert.deepEqual(ours.filter((n) => !n.includes('|')).sort(), [...registered].sort());
    const whole = parse((await p.both('COMMAND'))[1]);
    assert.ok(whole.t === 'array' && whole.v!.length === registered.length);
  });

  it('COMMAND LIST FILTERBY: the oracle list restricted to what we register', async () => {
    const p = env.pair;
    const ours = new Set(bulkList((await p.both('COMMAND', 'LIST'))[1]));
    for (const filter of [['ACLCAT', 'keyspace'], ['aclcat', 'STRING'], ['PATTERN', 'get*'], ['pattern', 'CLIENT|*'], ['PATTERN', '*'], ['MODULE', 'x'], ['ACLCAT', 'nosuch']]) {
      const [a, b] = await p.both('COMMAND', 'LIST', 'FILTERBY', ...filter);
      assert.deepEqual(bulkList(b).sort(), bulkList(a).filter((n) => ours.has(n)).sort(), filter.join(' '));
    }
    await p.same('COMMAND', 'LIST', 'FILTERBY', 'foo', 'x');
    await p.same('COMMAND', 'LIST', 'FILTERBY');
    await p.same('COMMAND', 'LIST', 'foo');
  });

  it('COMMAND GETKEYS and GETKEYSANDFLAGS', async () => {
    const p = env.pair;
    for (const resp of ['2', '3']) {
      await p.both('HELLO', resp);
      await p.same('COMMAND', 'GETKEYS', 'get', 'k');
      await p.same('COMMAND', 'GETKEYS', 'set', 'k', 'v', 'EX', '10');
      await p.same('COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2', 'c', '3');
      await p.same('COMMAND', 'GETKEYS', 'mget', 'a', 'b', 'c');
      await p.same('COMMAND', 'GETKEYS', 'del', 'a', 'b');
      await p.same('COMMAND', 'GETKEYS', 'object', 'encoding', 'k');
      await p.same('COMMAND', 'GETKEYS', 'rename', 'a', 'b');
      await p.same('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b');
      await p.same('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'EX', '1', 'get');
      await p.same('COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', 'b', 'c', 'd');
      await p.same('COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a', 'b');
      await p.same('COMMAND', 'GETKEYS', 'nosuch', 'a');
      await p.same('COMMAND', 'GETKEYS', 'set', 'a');
      await p.same('COMMAND', 'GETKEYS', 'get', 'a', 'b');
      await p.same('COMMAND', 'GETKEYS', 'client', 'list');
      await p.same('COMMAND', 'GETKEYS', 'ping', 'x');
      await p.same('COMMAND', 'GETKEYS');
      await p.same('COMMAND', 'GETKEYS', 'get');
      await p.same('COMMAND', 'COUNT', 'x');
    }
  });

  it('COMMAND GETKEYS MIGRATE: the incomplete KEYS spec hands over to the getkeys procedure', async () => {
    const p = env.pair;
    {
      const m = ['migrate', 'h', '1'];
      for (const tail of [
        ['', '0', '5000', 'KEYS', 'a', 'b'],
        ['', '0', '5000', 'KEYS', 'a', 'KEYS', 'b'],
        ['k', '0', '5000'],
        ['k', '0', '5000', 'COPY', 'REPLACE', 'KEYS', 'a'],
        ['', '0', '5000', 'AUTH', 'keys', 'KEYS', 'a'],
        ['', '0', '5000', 'AUTH2', 'u', 'keys', 'KEYS', 'a'],
        ['', '0', '5000', 'COPY'],
        ['k', '0', '5000', 'keys'],
        ['', '0', '5000', 'KEYS'],
      ]) {
        await p.same('COMMAND', 'GETKEYS', ...m, ...tail);
        await p.same('COMMAND', 'GETKEYSANDFLAGS', ...m, ...tail);
      }
    }
  });

  it('COMMAND HELP and unknown subcommands', async () => {
    await env.pair.same('COMMAND', 'HELP');
    await env.pair.same('COMMAND', 'NOSUCH');
  });
});
