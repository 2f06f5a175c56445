/**
 * Redis 7.0's command metadata (generated from the reference server) turned
 * into RESP trees and typed records. Arity, flags and key specs drive the
 * dispatcher; the trees are replayed verbatim by COMMAND INFO / DOCS.
 */
import type { RespValue } from '../../protocol/resp-reader.js';
import { COMMAND_DOCS_JSON, COMMAND_INFO_JSON } from './redis-commands.js';

type Json = null | number | string | Json[] | { $set: Json[] } | { $map: [Json, Json][] };

function toResp(j: Json): RespValue {
  if (j === null) return { t: 'null' };
  if (typeof j === 'number') return { t: 'int', v: BigInt(j) };
  if (typeof j === 'string') return { t: 'bulk', v: j };
  if (Array.isArray(j)) return { t: 'array', v: j.map(toResp) };
  if ('$set' in j) return { t: 'set', v: j.$set.map(toResp) };
  return { t: 'map', v: j.$map.map(([k, v]) => [toResp(k), toResp(v)] as [RespValue, RespValue]) };
}

/** One begin_search/find_keys key specification, as in COMMAND INFO. */
export interface KeySpec {
  flags: string[];
  begin: { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startfrom: number } | { type: 'unknown' };
  find: { type: 'range'; lastkey: number; step: number; limit: number } | { type: 'keynum'; keynumidx: number; firstkey: number; step: number } | { type: 'unknown' };
}

export interface CommandMeta {
  fullName: string;
  arity: number;
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  aclCategories: string[];
  tips: string[];
  keySpecs: KeySpec[];
  subcommands: CommandMeta[];
  info: RespValue;
  docs: RespValue | undefined;
}

function mapGet(j: Json, key: string): Json | undefined {
  if (j !== null && typeof j === 'object' && '$map' in j) {
    for (const [k, v] of j.$map) if (k === key) return v;
  }
  return undefined;
}

/** Elements of an array or set node (Redis sends some empty lists as sets). */
function items(j: Json | undefined): Json[] {
  if (j === undefined || j === null || typeof j !== 'object') return [];
  if (Array.isArray(j)) return j;
  return '$set' in j ? j.$set : [];
}

function strings(j: Json): string[] {
  return items(j) as string[];
}

function parseKeySpec(j: Json): KeySpec {
  const bs = mapGet(j, 'begin_search');
  const fk = mapGet(j, 'find_keys');
  const bsType = mapGet(bs ?? null, 'type');
  const bsSpec = mapGet(bs ?? null, 'spec') ?? null;
  const fkType = mapGet(fk ?? null, 'type');
  const fkSpec = mapGet(fk ?? null, 'spec') ?? null;
  const num = (o: Json, k: string) => Number(mapGet(o, k) ?? 0);
  const begin: KeySpec['begin'] =
    bsType === 'index'
      ? { type: 'index', index: num(bsSpec, 'index') }
      : bsType === 'keyword'
        ? { type: 'keyword', keyword: String(mapGet(bsSpec, 'keyword')), startfrom: num(bsSpec, 'startfrom') }
        : { type: 'unknown' };
  const find: KeySpec['find'] =
    fkType === 'range'
      ? { type: 'range', lastkey: num(fkSpec, 'lastkey'), step: num(fkSpec, 'keystep'), limit: num(fkSpec, 'limit') }
      : fkType === 'keynum'
        ? { type: 'keynum', keynumidx: num(fkSpec, 'keynumidx'), firstkey: num(fkSpec, 'firstkey'), step: num(fkSpec, 'keystep') }
        : { type: 'unknown' };
  return { flags: strings(mapGet(j, 'flags') ?? null), begin, find };
}

function parseInfo(j: Json[], docs: Record<string, Json>): CommandMeta {
  const name = j[0] as string;
  const subs = items(j[9]);
  return {
    fullName: name,
    arity: j[1] as number,
    flags: strings(j[2]),
    firstKey: j[3] as number,
    lastKey: j[4] as number,
    step: j[5] as number,
    aclCategories: strings(j[6]),
    tips: strings(j[7]),
    keySpecs: items(j[8]).map(parseKeySpec),
    subcommands: subs.map((s) => parseInfo(s as Json[], subDocs(docs, name))),
    info: toResp(j),
    docs: docs[name] === undefined ? undefined : toResp(docs[name]),
  };
}

function subDocs(docs: Record<string, Json>, parent: string): Record<string, Json> {
  const sub = mapGet(docs[parent] ?? null, 'subcommands');
  const out: Record<string, Json> = {};
  if (sub !== undefined && sub !== null && typeof sub === 'object' && '$map' in sub) {
    for (const [k, v] of sub.$map) out[k as string] = v;
  }
  return out;
}

let cache: Map<string, CommandMeta> | undefined;

/** Metadata of every Redis 7.0 command, by lowercase name. */
export function redisCommandMeta(): Map<string, CommandMeta> {
  if (cache === undefined) {
    const info = JSON.parse(COMMAND_INFO_JSON) as Record<string, Json[]>;
    const docs = JSON.parse(COMMAND_DOCS_JSON) as Record<string, Json>;
    cache = new Map();
    for (const [name, j] of Object.entries(info)) cache.set(name, parseInfo(j, docs));
  }
  return cache;
}
