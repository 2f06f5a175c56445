import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '../../src/net/client.js';
import { Server } from '../../src/server.js';

/**
 * The end of an event-loop turn (Server.endTurn, Redis's beforeSleep): the
 * replies of the commands executed in the turn are written first; a
 * background save's slice queued through afterReplies waits for them.
 */
describe('end of turn', () => {
  it('runs afterReplies work after the pending replies are written, or at once when none are', async () => {
    const server = new Server({ log: null });
    const c = new Client(1, server, null);
    const order: string[] = [];
    c.beforeFlush = () => order.push('reply');
    c.simple('OK');
    server.queueWrite(c);
    server.afterReplies(() => order.push('slice'));
    assert.equal(order.length, 0, 'nothing runs before the end of the turn');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['reply', 'slice']);
    server.afterReplies(() => order.push('idle slice'));
    assert.deepEqual(order, ['reply', 'slice', 'idle slice'], 'with no replies pending it runs at once');
  });
});
