/**
 * BGSAVE's point-in-time guarantee (what fork() gives Redis): whatever
 * clients do while the incremental snapshot runs, the file holds the dataset
 * exactly as it was when BGSAVE started.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startServer } from '../../src/index.js';
import { rdbState } from '../../src/persistence/rdb/manager.js';
import { Rng } from '../support/random.js';
import { RawClient } from '../support/raw-client.js';
import { dumpDataset, tempDir } from './aof-support.js';

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

async function populate(c: RawClient): Promise<void> {
  for (const db of ['0', '1']) {
    await c.call('SELECT', db);
    for (let i = 0; i < 600; i++) {
      await c.call('RPUSH', `list:${i}`, ...range(200, (j) => `e${j}`));
      await c.call('HSET', `hash:${i}`, ...range(i % 2 ? 20 : 300, (j) => `f${j}`));
      await c.call('ZADD', `zset:${i}`, ...range(i % 2 ? 20 : 300, (j) => (j % 2 ? String(j) : `m${j}`)));
      await c.call('SADD', `set:${i}`, ...range(i % 2 ? 30 : 200, (j) => (i % 3 ? `s${j}` : String(j))));
      await c.call('SET', `str:${i}`, `v${i}`, ...(i % 5 === 0 ? ['PX', '100000000'] : []));
    }
  }
  await c.call('SELECT', '0');
}

/** One random write on the existing keys (or new ones). */
function randomWrite(rng: Rng): string[] {
  const i = rng.int(0, 599);
  switch (rng.int(0, 13)) {
    case 0:
      return ['LPUSH', `list:${i}`, 'new'];
    case 1:
      return ['LSET', `list:${i}`, '5', 'changed'];
    case 2:
      return ['HSET', `hash:${i}`, 'f1', 'changed', 'newfield', 'x'];
    case 3:
      return ['ZINCRBY', `zset:${i}`, '100', 'm0'];
    case 4:
      return ['SREM', `set:${i}`, 's1', '1'];
    case 5:
      return ['DEL', rng.pick(['list', 'hash', 'zset', 'set', 'str']) + `:${i}`];
    case 6:
      return ['APPEND', `str:${i}`, '+'];
    case 7:
      return ['RENAME', `list:${i}`, `renamed:${i}`];
    case 8:
      return ['SET', `fresh:${i}`, 'x'];
    case 9:
      return ['PEXPIRE', `hash:${i}`, '500000'];
    case 10:
      return ['PERSIST', `str:${i}`];
    case 11:
      return ['MOVE', `set:${i}`, '1'];
    case 12:
      return ['SELECT', rng.pick(['0', '1'])];
    default:
      return ['SWAPDB', '0', '1'];
  }
}

describe('BGSAVE point-in-time snapshot', () => {
  for (const seed of [1, 2]) {
    it(`random writes during the save do not leak into the file (seed ${seed})`, async () => {
      const dir = tempDir('respite-snap-');
      const srv = await startServer({ dir });
      const c = await RawClient.connect(srv.port, srv.host);
      try {
        await populate(c);
        const before = await dumpDataset(c, 2);
        assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
        const rng = new Rng(seed);
        let writes = 0;
        while (rdbState(srv.server).job !== null) {
          await c.call(...randomWrite(rng));
          writes++;
        }
        const ahead = writes;
        assert.ok(ahead > 10, `seed ${seed}: only ${ahead} writes ran during the save`);
        for (let k = 0; k < 100 && !fs.existsSync(path.join(dir, 'dump.rdb')); k++) await new Promise((r) => setTimeout(r, 20));
        const again = await startServer({ dir });
        const c2 = await RawClient.connect(again.port, again.host);
        try {
          assert.deepEqual(await dumpDataset(c2, 2), before, `seed ${seed}`);
        } finally {
          c2.close();
          await again.close();
        }
      } finally {
        c.close();
        await srv.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('keys DEBUG POPULATE adds during the save stay out of the file (DEBUG names no keys to the gate)', async () => {
    const dir = tempDir('respite-snap-');
    const srv = await startServer({ dir, 'enable-debug-command': 'yes' });
    const c = await RawClient.connect(srv.port, srv.host);
    try {
      assert.equal(await c.call('DEBUG', 'POPULATE', '50000', 'old'), '+OK\r\n');
      assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
      assert.notEqual(rdbState(srv.server).job, null, 'the save finished before POPULATE ran');
      assert.equal(await c.call('DEBUG', 'POPULATE', '20000', 'new'), '+OK\r\n');
      while (rdbState(srv.server).job !== null) await new Promise((r) => setTimeout(r, 20));
      for (let k = 0; k < 100 && !fs.existsSync(path.join(dir, 'dump.rdb')); k++) await new Promise((r) => setTimeout(r, 20));
      const again = await startServer({ dir });
      const c2 = await RawClient.connect(again.port, again.host);
      try {
        assert.equal(await c2.call('DBSIZE'), ':50000\r\n');
        assert.equal(await c2.call('EXISTS', 'new:0', 'new:19999', 'old:0', 'old:49999'), ':2\r\n');
      } finally {
        c2.close();
        await again.close();
      }
    } finally {
      c.close();
      await srv.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
