/**
 * The per-key access data Redis keeps in 24 bits of every object header
 * (object.c / evict.c), and the clock it is stamped with.
 *
 * - LRU mode (any maxmemory-policy that is not *-lfu): the field is the LRU
 *   clock, Unix seconds modulo 2^24, as of the key's last access. The clock
 *   is cached and advanced by the server cron (`tick`), so an idle time read
 *   right after an access is 0 even when the second changed meanwhile.
 * - LFU mode (*-lfu): the high 16 bits are the minute of the last decrement
 *   (Unix minutes modulo 2^16), the low 8 bits a logarithmic access counter.
 *   New keys start at LFU_INIT_VAL so they are not evicted at once; each
 *   access first decays the counter by one per `lfu-decay-time` minutes
 *   elapsed, then raises it with probability 1 / ((counter - 5) * factor + 1).
 *
 * Switching policy at run time reinterprets the bits, as in Redis (OBJECT
 * FREQ of a key stamped under LRU reads as a long-decayed counter).
 */

/** LRU_CLOCK_MAX: the field is 24 bits wide. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
/** LFU_INIT_VAL: the counter of a new key. */
export const LFU_INIT_VAL = 5;
/** Unix minutes are kept modulo 2^16. */
const LFU_MINUTES_MAX = 65535;

/** The LRU clock for a Unix time in ms: seconds modulo 2^24. */
export function lruClockAt(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

/** The LFU minute clock for a Unix time in ms: minutes modulo 2^16. */
export function lfuMinutesAt(nowMs: number): number {
  return Math.floor(nowMs / 60000) & LFU_MINUTES_MAX;
}

/** Minutes elapsed since `ldt` on the wrapping minute clock (LFUTimeElapsed). */
export function lfuElapsed(nowMinutes: number, ldt: number): number {
  return nowMinutes >= ldt ? nowMinutes - ldt : LFU_MINUTES_MAX - ldt + nowMinutes;
}

/** The counter of an LFU field after decay (LFUDecrAndReturn). */
export function lfuDecayed(field: number, nowMinutes: number, decayTime: number): number {
  const counter = field & 255;
  if (decayTime === 0) return counter;
  const periods = Math.floor(lfuElapsed(nowMinutes, field >>> 8) / decayTime);
  return periods > counter ? 0 : counter - periods;
}

/** One probabilistic increment of a counter (LFULogIncr); `r` is uniform in [0, 1]. */
export function lfuLogIncr(counter: number, logFactor: number, r: number): number {
  if (counter === 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return r < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/** Idle seconds of an LRU field on the wrapping clock (estimateObjectIdleTime / 1000). */
export function lruIdleSeconds(field: number, clock: number): number {
  return clock >= field ? clock - field : clock + (LRU_CLOCK_MAX - field);
}

/**
 * The LRU field RESTORE ... IDLETIME and the RDB IDLE opcode give a key:
 * `idle` seconds before `clock`. Why the 64-bit arithmetic: Redis scales the
 * idle time by 1000 / 1000 in a long long (wrapping for huge values), adds
 * LRU_CLOCK_MAX once if the result went below zero, and keeps the low 24 bits.
 */
export function lruFieldForIdle(idle: bigint, clock: number): number {
  const scaled = BigInt.asIntN(64, idle * 1000n) / 1000n;
  let abs = BigInt.asIntN(64, BigInt(clock) - scaled);
  if (abs < 0n) abs = BigInt.asIntN(64, abs + BigInt(LRU_CLOCK_MAX));
  return Number(BigInt.asUintN(24, abs));
}

/** The clock and policy settings every database of a server stamps keys with. */
export class AccessClock {
  /** maxmemory-policy is *-lfu. */
  lfu = false;
  /** What the RDB writer records per key: IDLE under *-lru, FREQ under *-lfu, nothing otherwise. */
  rdbMode: 'lru' | 'lfu' | null = null;
  /** The cached LRU clock (advanced by tick()). */
  lru: number;
  /** The cached LFU minute clock (advanced by tick()). */
  minutes: number;
  logFactor = 10;
  decayTime = 1;
  /** Uniform [0, 1) source for the counter's increments (replaceable in tests). */
  random: () => number = Math.random;

  constructor(nowMs = Date.now()) {
    this.lru = lruClockAt(nowMs);
    this.minutes = lfuMinutesAt(nowMs);
  }

  /** Advances the cached clocks (the server cron, like Redis's serverCron). */
  tick(nowMs: number): void {
    this.lru = lruClockAt(nowMs);
    this.minutes = lfuMinutesAt(nowMs);
  }

  /** Follows a maxmemory-policy value. */
  setPolicy(policy: string): void {
    this.lfu = policy.endsWith('-lfu');
    this.rdbMode = this.lfu ? 'lfu' : policy.endsWith('-lru') ? 'lru' : null;
  }

  /** The field of a key just created (createObject). */
  fresh(): number {
    return this.lfu ? (this.minutes << 8) | LFU_INIT_VAL : this.lru;
  }

  /** The field after an access in LFU mode (updateLFU): decay, then a probabilistic increment. */
  lfuTouched(field: number): number {
    const counter = lfuLogIncr(lfuDecayed(field, this.minutes, this.decayTime), this.logFactor, this.random());
    return (this.minutes << 8) | counter;
  }

  /** OBJECT FREQ / the RDB FREQ byte: the decayed counter. */
  frequency(field: number): number {
    return lfuDecayed(field, this.minutes, this.decayTime);
  }

  /** OBJECT IDLETIME / the RDB IDLE length: idle seconds of an LRU field. */
  idleSeconds(field: number): number {
    return lruIdleSeconds(field, this.lru);
  }

  /**
   * The field RESTORE's IDLETIME / FREQ or the RDB IDLE / FREQ opcodes give a
   * key (objectSetLRUOrLFU): FREQ counts under LFU, IDLETIME otherwise; -1
   * when the option does not apply (the key keeps its fresh field).
   */
  restored(idle: bigint | null, freq: number | null): number {
    if (this.lfu) return freq === null ? -1 : (this.minutes << 8) | freq;
    return idle === null ? -1 : lruFieldForIdle(idle, this.lru);
  }
}
