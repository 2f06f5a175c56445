import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../../src/index.js';
import { activeExpireCycle } from '../../src/keyspace/expiry.js';
import { Server } from '../../src/server.js';
import { RawClient } from '../support/raw-client.js';

/**
 * Active expiry (Redis: activeExpireCycle from serverCron, "How Redis
 * expires keys" in the EXPIRE docs): keys with a past TTL disappear without
 * being accessed, each counts in expired_keys and is propagated as DEL with an
 * "expired" event; keys not yet due stay; DEBUG SET-ACTIVE-EXPIRE 0 stops it.
 */
function makeServer(): { server: Server; clock: { t: number } } {
  const clock = { t: 1_700_000_000_000 };
  const server = new Server({ clock: () => clock.t, log: null });
  server.freezeTime();
  return { server, clock };
}

function fill(server: Server, db: number, prefix: string, n: number, ttlMs: number): void {
  const d = server.dbs[db];
  for (let i = 0; i < n; i++) {
    d.set(`${prefix}${i}`, 'v');
    if (ttlMs >= 0) d.setExpire(`${prefix}${i}`, server.now() + ttlMs);
  }
}

describe('active expiry', () => {
  it('removes due keys without access, counts them, propagates DEL and notifies expired', () => {
    const { server, clock } = makeServer();
    fill(server, 0, 'short:', 500, 1000);
    fill(server, 0, 'long:', 300, 3_600_000);
    fill(server, 0, 'plain:', 200, -1);
    const effects: string[] = [];
    const events: string[] = [];
    server.propagationSinks.push((db, argv) => effects.push(`${db} ${argv.join(' ')}`));
    server.keyListeners.push((db, key, cls, ev) => events.push(`${db.id} ${cls} ${ev} ${key}`));
    server.serverCron();
    assert.equal(server.dbs[0].size, 1000, 'nothing is due yet');
    clock.t += 1001;
    for (let i = 0; i < 200 && server.dbs[0].size > 500; i++) server.serverCron();
    assert.equal(server.dbs[0].size, 500);
    assert.equal(server.stats.expiredKeys, 500);
    assert.equal(effects.length, 500);
    assert.ok(effects.every((e) => /^0 DEL short:\d+$/.test(e)));
    assert.ok(events.every((e) => /^0 x expired short:\d+$/.test(e)) && events.length === 500);
    for (let i = 0; i < 300; i++) assert.equal(server.dbs[0].dict.has(`long:${i}`), true);
    for (let i = 0; i < 200; i++) assert.equal(server.dbs[0].dict.has(`plain:${i}`), true);
  });

  it('covers every database, not just the first with volatile keys', () => {
    const { server, clock } = makeServer();
    // db 0 holds many volatile keys that are not due (a low stale share) ...
    fill(server, 0, 'fresh:', 5000, 3_600_000);
    // ... and later databases hold due keys.
    fill(server, 3, 'due:', 100, 10);
    fill(server, 15, 'due:', 100, 10);
    clock.t += 11;
    for (let i = 0; i < 20; i++) server.serverCron();
    assert.equal(server.dbs[3].size, 0);
    assert.equal(server.dbs[15].size, 0);
    assert.equal(server.dbs[0].size, 5000);
  });

  it('keeps going after FLUSHALL and SWAPDB replaced the dictionaries mid-walk', () => {
    const { server, clock } = makeServer();
    fill(server, 0, 'a:', 3000, 3_600_000);
    server.serverCron();
    server.dbs[0].clear();
    fill(server, 0, 'b:', 50, 5);
    fill(server, 1, 'c:', 50, 5);
    server.dbs[0].swapWith(server.dbs[2]);
    clock.t += 6;
    for (let i = 0; i < 20; i++) server.serverCron();
    assert.equal(server.dbs[1].size + server.dbs[2].size, 0);
  });

  it('is disabled by activeExpireEnabled = false (DEBUG SET-ACTIVE-EXPIRE 0); lazy expiry still works', () => {
    const { server, clock } = makeServer();
    fill(server, 0, 'k', 100, 10);
    server.activeExpireEnabled = false;
    clock.t += 11;
    for (let i = 0; i < 50; i++) server.serverCron();
    assert.equal(server.dbs[0].size, 100);
    assert.equal(server.stats.expiredKeys, 0);
    server.freezeTime();
    assert.equal(server.dbs[0].get('k1'), undefined);
    assert.equal(server.stats.expiredKeys, 1);
    server.activeExpireEnabled = true;
    for (let i = 0; i < 50; i++) server.serverCron();
    assert.equal(server.dbs[0].size, 0);
    assert.equal(server.stats.expiredKeys, 100);
  });

  it('stops at the time budget and reports expired_time_cap_reached_count', () => {
    const { server, clock } = makeServer();
    fill(server, 0, 'k', 20000, 1);
    clock.t += 2;
    server.freezeTime();
    const n = activeExpireCycle(server, { db: 0, cursor: 0 }, 0);
    assert.ok(n > 0 && n < 20000, `expired ${n} in a zero budget`);
    assert.equal(server.stats.expiredTimeCapReached, 1);
    // All sampled keys were stale: 100% weighted 5% into a running average that started at 0.
    assert.ok(Math.abs(server.stats.expiredStalePerc - 5) < 1e-9, String(server.stats.expiredStalePerc));
  });

  it('runs from the real cron at hz over a socket with an injected clock', async () => {
    const clock = { t: Date.now() };
    const srv = await startServer({ hz: '100' }, { clock: () => clock.t });
    const c = await RawClient.connect(srv.port, srv.host);
    try {
      for (let i = 0; i < 50; i++) assert.equal(await c.call('SET', `k${i}`, 'v', 'PX', '1000'), '+OK\r\n');
      assert.equal(await c.call('SET', 'keep', 'v'), '+OK\r\n');
      clock.t += 1001;
      const deadline = Date.now() + 3000;
      while (srv.server.dbs[0].size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(srv.server.dbs[0].size, 1);
      assert.equal(srv.server.stats.expiredKeys, 50);
      assert.equal(await c.call('DBSIZE'), ':1\r\n');
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('DEBUG SET-ACTIVE-EXPIRE 0 over a socket stops the cron from expiring keys', async () => {
    const clock = { t: Date.now() };
    // DEBUG is refused unless enable-debug-command allows it, as in Redis 7.0.
    const srv = await startServer({ hz: '100', 'enable-debug-command': 'yes' }, { clock: () => clock.t });
    const c = await RawClient.connect(srv.port, srv.host);
    try {
      assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
      assert.equal(srv.server.activeExpireEnabled, false);
      for (let i = 0; i < 20; i++) await c.call('SET', `k${i}`, 'v', 'PX', '10');
      clock.t += 11;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(srv.server.dbs[0].size, 20);
      assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1'), '+OK\r\n');
      const deadline = Date.now() + 3000;
      while (srv.server.dbs[0].size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(srv.server.dbs[0].size, 0);
    } finally {
      c.close();
      await srv.close();
    }
  });
});
