import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The server module first: command modules are loaded through it.
import '../../src/server.js';
import { bytesToHuman, lruClock } from '../../src/commands/info.js';

describe('INFO value formatting', () => {
  it('bytesToHuman matches the forms Redis 7.0 printed for these sizes', () => {
    // Pairs observed in redis-server 7.0.15's INFO memory output.
    assert.equal(bytesToHuman(941160), '919.10K');
    assert.equal(bytesToHuman(6815744), '6.50M');
    assert.equal(bytesToHuman(25276502016), '23.54G');
    assert.equal(bytesToHuman(32768), '32.00K');
    assert.equal(bytesToHuman(66560), '65.00K');
    assert.equal(bytesToHuman(200), '200B');
    assert.equal(bytesToHuman(0), '0B');
  });

  it('lru_clock is Unix seconds modulo 2^24', () => {
    // redis-server 7.0.15 reported lru_clock:454742 at server_time_usec:1795616854470235.
    assert.equal(lruClock(1795616854470), 454742);
  });
});
