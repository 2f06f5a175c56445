import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '../../src/net/client.js';
import { Server } from '../../src/server.js';

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The end of an event-loop turn (Server.endTurn, Redis's beforeSleep): the
 * replies of the commands executed in the turn are written first; a
 * background save's slice scheduled in the previous turn waits for them.
 */
describe('end of turn', () => {
  it('runs a slice scheduled in the previous turn after this turn\'s replies, or as soon as there are none', async () => {
    const server = new Server({ log: null });
    const c = new Client(1, server, null);
    const order: string[] = [];
    c.beforeFlush = () => order.push('reply');
    // The previous slice schedules the next one, then this turn executes a command.
    server.scheduleSlice(() => order.push('slice'));
    c.simple('OK');
    server.queueWrite(c);
    assert.equal(order.length, 0, 'nothing runs before the end of the turn');
    await nextTurn();
    assert.deepEqual(order, ['reply', 'slice']);
    server.scheduleSlice(() => order.push('idle slice'));
    await nextTurn();
    assert.deepEqual(order, ['reply', 'slice', 'idle slice'], 'with no replies pending it runs in the next turn');
  });
});
