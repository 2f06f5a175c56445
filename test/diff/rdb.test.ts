/**
 * SAVE / BGSAVE replies, INFO persistence RDB counters and the MISCONF gate
 * of stop-writes-on-bgsave-error, compared with redis-server 7.0.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { RawClient } from '../support/raw-client.js';

async function info(c: RawClient, field: string): Promise<string> {
  const v = (await c.callValue('INFO', 'persistence')) as { v: string };
  const m = new RegExp(`${field}:(\\S+)`).exec(v.v);
  return m === null ? '' : m[1];
}

async function sameInfo(p: Pair, field: string): Promise<string> {
  const [a, b] = await Promise.all([info(p.redis, field), info(p.respite, field)]);
  assert.equal(b, a, `INFO ${field}`);
  return a;
}

async function bgsaveDone(c: RawClient): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await info(c, 'rdb_bgsave_in_progress')) === '0') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('BGSAVE did not finish');
}

describe('SAVE, BGSAVE and RDB status against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  const dirs: string[] = [];
  before(async () => {
    env = await DiffEnv.start({ save: '3600 1', 'enable-protected-configs': 'yes' });
  });
  after(async () => {
    await env.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Points both servers at their own fresh directory. */
  async function freshDirs(p: Pair): Promise<[string, string]> {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'rdb-diff-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'rdb-diff-b-'));
    dirs.push(a, b);
    assert.equal(await p.redis.call('CONFIG', 'SET', 'dir', a), '+OK\r\n');
    assert.equal(await p.respite.call('CONFIG', 'SET', 'dir', b), '+OK\r\n');
    return [a, b];
  }

  it('SAVE and BGSAVE replies, syntax errors, and the counters', async () => {
    const p = env.pair;
    await freshDirs(p);
    await p.same('FLUSHALL');
    await p.same('SAVE');
    await sameInfo(p, 'rdb_changes_since_last_save');
    await p.same('SET', 'a', '1');
    await p.same('INCR', 'a');
    // One element: Redis counts multi-element pushes once per element, respite once per command.
    await p.same('RPUSH', 'l', 'x');
    await sameInfo(p, 'rdb_changes_since_last_save');
    await p.same('BGSAVE', 'foo');
    await p.same('BGSAVE', 'SCHEDULE', 'x');
    await p.same('BGSAVE');
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    await sameInfo(p, 'rdb_last_bgsave_status');
    await sameInfo(p, 'rdb_changes_since_last_save');
    await sameInfo(p, 'rdb_bgsave_in_progress');
    await p.same('SAVE');
    await sameInfo(p, 'rdb_changes_since_last_save');
    await sameInfo(p, 'rdb_saves');
    // Inside MULTI/EXEC a BGSAVE is only scheduled; SCHEDULE with nothing running starts at once.
    await p.same('MULTI');
    await p.same('BGSAVE');
    await p.same('EXEC');
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    for (let i = 0; i < 100 && (await info(p.respite, 'rdb_saves')) !== (await info(p.redis, 'rdb_saves')); i++) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    await sameInfo(p, 'rdb_saves');
    await p.same('BGSAVE', 'SCHEDULE');
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    await sameInfo(p, 'rdb_saves');
    const [l1, l2] = await p.both('LASTSAVE');
    assert.ok(Math.abs(Number(l1.slice(1)) - Number(l2.slice(1))) <= 2);
  });

  it('a failed BGSAVE refuses writes with MISCONF until fixed or disabled', async () => {
    const p = env.pair;
    const [a, b] = await freshDirs(p);
    await p.same('SET', 'k', 'v');
    fs.rmSync(a, { recursive: true });
    fs.rmSync(b, { recursive: true });
    await p.same('BGSAVE');
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    await sameInfo(p, 'rdb_last_bgsave_status');
    await p.same('SET', 'k', 'w');
    await p.same('GET', 'k');
    await p.same('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
    await p.same('SET', 'k', 'w');
    await p.same('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
    await p.same('DEL', 'k');
    await p.same('CONFIG', 'SET', 'save', '');
    await p.same('SET', 'k', 'x');
    await p.same('CONFIG', 'SET', 'save', '3600 1');
    await p.same('SET', 'k', 'y');
    // A successful save clears the error.
    await freshDirs(p);
    await p.same('BGSAVE');
    await Promise.all([bgsaveDone(p.redis), bgsaveDone(p.respite)]);
    await sameInfo(p, 'rdb_last_bgsave_status');
    await p.same('SET', 'k', 'z');
  });

  it('DEBUG RELOAD saves and loads the dataset back', async () => {
    const p = env.pair;
    await freshDirs(p);
    await p.same('FLUSHALL');
    await p.same('RPUSH', 'l', 'a', 'b');
    await p.same('HSET', 'h', 'f', 'v');
    await p.same('SET', 'n', '42', 'PX', '100000');
    await p.same('DEBUG', 'RELOAD');
    await p.same('LRANGE', 'l', '0', '-1');
    await p.same('HGETALL', 'h');
    await p.same('GET', 'n');
    await p.same('TTL', 'n');
    await p.same('OBJECT', 'ENCODING', 'n');
    await p.same('DEBUG', 'RELOAD', 'BOGUS');
    await p.same('SET', 'extra', '1');
    await p.same('DEBUG', 'RELOAD', 'NOSAVE');
    await p.same('EXISTS', 'extra');
  });
});
