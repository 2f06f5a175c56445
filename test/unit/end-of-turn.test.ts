import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatch } from '../../src/commands/dispatch.js';
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
    server.scheduleSlice(() => order.push('slice'), 5);
    c.simple('OK');
    server.queueWrite(c);
    assert.equal(order.length, 0, 'nothing runs before the end of the turn');
    await nextTurn();
    assert.deepEqual(order, ['reply', 'slice']);
    server.scheduleSlice(() => order.push('idle slice'), 5);
    await nextTurn();
    assert.deepEqual(order, ['reply', 'slice', 'idle slice'], 'with no replies pending it runs in the next turn');
  });

  it('gives a slice its whole budget when no command ran for 10 ms, else half the time clients had since the last slice', async () => {
    const server = new Server({ log: null });
    const budgets: number[] = [];
    server.scheduleSlice((ms) => budgets.push(ms), 5);
    await nextTurn();
    assert.deepEqual(budgets, [5], 'idle server: the maximum');

    server.scheduleSlice((ms) => budgets.push(ms), 5);
    // Clients are served for ~4 ms before the slice runs.
    const c = new Client(1, server, null);
    const until = performance.now() + 4;
    while (performance.now() < until) dispatch(c, ['PING']);
    await nextTurn();
    assert.ok(budgets[1] >= 2 && budgets[1] < 5, `busy server: about half of the 4 ms, got ${budgets[1]}`);

    server.scheduleSlice((ms) => budgets.push(ms), 5);
    dispatch(c, ['PING']);
    await nextTurn();
    assert.ok(budgets[2] >= 0.1 && budgets[2] < 1, `one quick command: the floor, got ${budgets[2]}`);

    server.scheduleSlice((ms) => budgets.push(ms), 5);
    await nextTurn();
    assert.ok(budgets[3] < 1, `a turn without commands right after some is still busy, got ${budgets[3]}`);

    await new Promise((r) => setTimeout(r, 15));
    server.scheduleSlice((ms) => budgets.push(ms), 5);
    await nextTurn();
    assert.equal(budgets[4], 5, 'no command for 10 ms: idle again');
  });
});
