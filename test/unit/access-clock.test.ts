/**
 * The LRU/LFU arithmetic of keyspace/access-clock.ts (Redis 7.0 evict.c /
 * object.c rules) and the access field the tracked Dict keeps per entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AccessClock,
  LFU_INIT_VAL,
  LRU_CLOCK_MAX,
  lfuDecayed,
  lfuElapsed,
  lfuLogIncr,
  lruClockAt,
  lruFieldForIdle,
  lruIdleSeconds,
} from '../../src/keyspace/access-clock.js';
import { Dict } from '../../src/keyspace/dict.js';

describe('LFU counter math', () => {
  it('increments always up to LFU_INIT_VAL, then with probability 1/((c-5)*factor+1)', () => {
    // Below or at the initial value the base is 0: p = 1, any r < 1 increments.
    for (let c = 0; c <= LFU_INIT_VAL; c++) assert.equal(lfuLogIncr(c, 10, 0.999999), c + 1);
    // c = 6, factor 10: p = 1/11.
    assert.equal(lfuLogIncr(6, 10, 1 / 11 - 1e-9), 7);
    assert.equal(lfuLogIncr(6, 10, 1 / 11 + 1e-9), 6);
    // factor 0: p = 1 at every level.
    assert.equal(lfuLogIncr(200, 0, 0.999), 201);
    // Saturates at 255.
    assert.equal(lfuLogIncr(255, 0, 0), 255);
  });

  it('grows logarithmically: expected accesses to reach a counter match the sum of 1/p', () => {
    // From 5, reaching c needs sum_{k=5}^{c-1} ((k-5)*factor+1) increments on average.
    let state = 12345;
    const rand = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    let c = LFU_INIT_VAL;
    for (let i = 0; i < 100000; i++) c = lfuLogIncr(c, 10, rand());
    // sum_{j=0}^{n-1} (10j+1) = 5n^2 - 4n <= 100000 gives n ≈ 141.8: the counter ends near 146.
    assert.ok(c >= 140 && c <= 152, `counter ${c}`);
  });

  it('decays one step per lfu-decay-time minutes elapsed, on a wrapping 16-bit minute clock', () => {
    const field = (minutes: number, counter: number): number => (minutes << 8) | counter;
    assert.equal(lfuDecayed(field(100, 20), 100, 1), 20);
    assert.equal(lfuDecayed(field(100, 20), 107, 1), 13);
    assert.equal(lfuDecayed(field(100, 20), 107, 2), 17);
    assert.equal(lfuDecayed(field(100, 20), 200, 1), 0);
    // decay time 0: never decays.
    assert.equal(lfuDecayed(field(100, 20), 60000, 0), 20);
    // Wrap: from minute 65530 to minute 3 is 65535 - 65530 + 3 = 8 minutes.
    assert.equal(lfuElapsed(3, 65530), 8);
    assert.equal(lfuDecayed(field(65530, 20), 3, 1), 12);
  });

  it('AccessClock stamps new keys with LFU_INIT_VAL and the current minute, and decays before incrementing', () => {
    const clock = new AccessClock(60000 * 1000);
    clock.setPolicy('allkeys-lfu');
    assert.equal(clock.fresh(), (1000 << 8) | LFU_INIT_VAL);
    clock.random = () => 0.99;
    // Counter 9 last decremented 3 minutes ago: 9 - 3 = 6, then r = 0.99 >= 1/11 keeps 6.
    assert.equal(clock.lfuTouched((997 << 8) | 9), (1000 << 8) | 6);
    clock.random = () => 0;
    assert.equal(clock.lfuTouched((997 << 8) | 9), (1000 << 8) | 7);
    assert.equal(clock.frequency((990 << 8) | 9), 0);
  });
});

describe('LRU clock math', () => {
  it('the clock is Unix seconds modulo 2^24; idle time unwraps across the wrap', () => {
    assert.equal(lruClockAt(1_700_000_123_456), Math.floor(1_700_000_123.456) % 2 ** 24);
    assert.equal(lruIdleSeconds(100, 130), 30);
    assert.equal(lruIdleSeconds(LRU_CLOCK_MAX - 5, 10), 10 + 5);
  });

  it('the field for an idle time: clock - idle, plus LRU_CLOCK_MAX once when negative, low 24 bits', () => {
    assert.equal(lruFieldForIdle(1000n, 465754), 464754);
    // Observed on redis-server 7.0.15 with LRU clock 465754: RESTORE ... IDLETIME 100000000
    // leaves lru 1129049 (idle 16113920), IDLETIME 2^63-1 leaves idle 16777214.
    assert.equal(lruFieldForIdle(100000000n, 465754), 1129049);
    assert.equal(lruIdleSeconds(lruFieldForIdle(100000000n, 465754), 465754), 16113920);
    assert.equal(lruIdleSeconds(lruFieldForIdle(2n ** 63n - 1n, 465754), 465754), 16777214);
  });

  it('policies: LRU and LFU data, and what the RDB records', () => {
    const clock = new AccessClock(5000);
    for (const [policy, lfu, rdb] of [
      ['noeviction', false, null],
      ['volatile-ttl', false, null],
      ['allkeys-random', false, null],
      ['allkeys-lru', false, 'lru'],
      ['volatile-lru', false, 'lru'],
      ['allkeys-lfu', true, 'lfu'],
      ['volatile-lfu', true, 'lfu'],
    ] as const) {
      clock.setPolicy(policy);
      assert.equal(clock.lfu, lfu, policy);
      assert.equal(clock.rdbMode, rdb, policy);
    }
    clock.setPolicy('allkeys-lru');
    assert.equal(clock.fresh(), 5);
    clock.tick(9000);
    assert.equal(clock.idleSeconds(5), 4);
    // RESTORE's FREQ is ignored under LRU, IDLETIME under LFU.
    assert.equal(clock.restored(null, 7), -1);
    assert.equal(clock.restored(3n, null), 6);
    clock.setPolicy('allkeys-lfu');
    assert.equal(clock.restored(3n, null), -1);
    assert.equal(clock.restored(null, 7), (clock.minutes << 8) | 7);
  });
});

describe('Dict access field', () => {
  it('untracked dictionaries keep none', () => {
    const d = new Dict<string>();
    d.set('a', 'x');
    assert.equal(d.accessOf('a'), -1);
    assert.equal(d.setAccess('a', 5), false);
  });

  it('new keys get the fresh stamp, overwrites set or keep it, getTouch stamps, across chunks and reuse', () => {
    const d = new Dict<number>(true);
    const n = 40000; // more than two slab chunks of 16384 entries
    for (let i = 0; i < n; i++) assert.equal(d.setStamped(`k${i}`, i, i & 0xffffff, -1), true);
    for (let i = 0; i < n; i += 997) assert.equal(d.accessOf(`k${i}`), i);
    assert.equal(d.setStamped('k5', 55, 1, -1), false);
    assert.equal(d.accessOf('k5'), 5);
    assert.equal(d.setStamped('k5', 56, 1, 77), false);
    assert.equal(d.accessOf('k5'), 77);
    assert.equal(d.getTouch('k6', 123), 6);
    assert.equal(d.accessOf('k6'), 123);
    assert.equal(d.getTouch('nokey', 1), undefined);
    const e = d.entryOf('k39999');
    assert.notEqual(e, 0);
    assert.equal(d.valueAt(e), 39999);
    d.setAccessAt(e, 0xffffff);
    assert.equal(d.accessAt(e), 0xffffff);
    // A freed entry is reused with the new key's stamp.
    d.delete('k7');
    d.setStamped('fresh', 1, 4242, -1);
    assert.equal(d.accessOf('fresh'), 4242);
    assert.equal(d.accessOf('k7'), -1);
    d.clear();
    assert.equal(d.accessOf('k6'), -1);
    d.setStamped('z', 1, 9, -1);
    assert.equal(d.accessOf('z'), 9);
  });
});
