/**
 * Differential testing: the same commands go to the reference redis-server
 * and to an in-process respite over real sockets, and the raw RESP replies are
 * compared byte for byte (or with a named relaxation where Redis itself is
 * nondeterministic).
 */
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../../src/index.js';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { RawClient } from './raw-client.js';
import { startOracle, type Oracle } from './oracle.js';

export type Arg = string | Buffer;

/** One connection to each server. */
export class Pair {
  constructor(
    readonly redis: RawClient,
    readonly respite: RawClient,
  ) {}

  /** Sends to both; returns [redis, respite] raw replies. */
  async both(...args: Arg[]): Promise<[string, string]> {
    return Promise.all([this.redis.call(...args), this.respite.call(...args)]);
  }

  /** Sends to both and asserts byte-identical replies; returns the reply. */
  async same(...args: Arg[]): Promise<string> {
    const [a, b] = await this.both(...args);
    assert.equal(b, a, `reply mismatch for ${fmt(args)}`);
    return a;
  }

  /** Like same(), but an array reply's elements may come in any order. */
  async sameUnordered(...args: Arg[]): Promise<string> {
    const [a, b] = await this.both(...args);
    assert.deepEqual(normalizeUnordered(b), normalizeUnordered(a), `unordered mismatch for ${fmt(args)}`);
    return a;
  }

  /** Both reply with an error (any text). */
  async bothError(...args: Arg[]): Promise<[string, string]> {
    const [a, b] = await this.both(...args);
    assert.ok(a.startsWith('-') && b.startsWith('-'), `expected errors for ${fmt(args)}: redis=${JSON.stringify(a)} respite=${JSON.stringify(b)}`);
    return [a, b];
  }

  /** Sends raw bytes to both and compares everything each replies (until close or quiet). */
  writeRaw(data: string | Buffer): void {
    this.redis.writeRaw(data);
    this.respite.writeRaw(data);
  }

  async readSame(): Promise<string> {
    const [a, b] = await Promise.all([this.redis.readRaw(), this.respite.readRaw()]);
    assert.equal(b, a);
    return a;
  }

  close(): void {
    this.redis.close();
    this.respite.close();
  }
}

function fmt(args: Arg[]): string {
  return args.map((a) => JSON.stringify(typeof a === 'string' ? a : a.toString('latin1'))).join(' ');
}

function sortDeep(v: RespValue): unknown {
  if ((v.t === 'array' || v.t === 'set' || v.t === 'push') && v.v !== null) {
    return { t: v.t, v: v.v.map((x) => JSON.stringify(sortDeep(x))).sort() };
  }
  if (v.t === 'map') return { t: 'map', v: v.v.map(([k, x]) => JSON.stringify([sortDeep(k), sortDeep(x)])).sort() };
  if (v.t === 'int') return { t: 'int', v: String(v.v) };
  return v;
}

function normalizeUnordered(raw: string): unknown {
  const r = readReply(Buffer.from(raw, 'latin1'));
  return r === null ? raw : sortDeep(r[0]);
}

/** A reference redis-server and a respite server, started once per test file. */
export class DiffEnv {
  private pairs: Pair[] = [];
  pair!: Pair;

  private constructor(
    readonly oracle: Oracle,
    readonly server: RunningServer,
  ) {}

  /** `directives` apply to both servers (as --name value / startServer options). */
  static async start(directives: Record<string, string> = {}): Promise<DiffEnv> {
    const args = Object.entries(directives).flatMap(([k, v]) => [`--${k}`, v]);
    const [oracle, server] = await Promise.all([startOracle(args), startServer(directives)]);
    const env = new DiffEnv(oracle, server);
    env.pair = await env.connect();
    return env;
  }

  /** Opens another connection pair (closed by stop()). */
  async connect(): Promise<Pair> {
    const [a, b] = await Promise.all([RawClient.connect(this.oracle.port), RawClient.connect(this.server.port, this.server.host)]);
    const p = new Pair(a, b);
    this.pairs.push(p);
    return p;
  }

  /** Empties both datasets and resets the main pair's connection state. */
  async reset(): Promise<void> {
    await this.pair.same('FLUSHALL');
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) p.close();
    await Promise.all([this.oracle.stop(), this.server.close()]);
  }
}
