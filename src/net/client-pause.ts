/**
 * CLIENT PAUSE: while a pause is active, the commands it covers (all, or
 * only those that may write) are neither executed nor rejected. The client
 * is postponed like a blocked client: it stops processing its input and its
 * command is dispatched again, in arrival order, when the pause ends.
 */
import { dispatch } from '../commands/dispatch.js';
import type { Command } from '../commands/table.js';
import type { Client } from './client.js';

/** A command that writes, or may propagate a write (EVAL, PUBLISH...). */
function mayWrite(cmd: Command): boolean {
  return cmd.meta.flags.includes('write') || cmd.meta.flags.includes('may_replicate');
}

export class ClientPause {
  /** Unix ms when the pause ends; 0 when not paused. */
  private endMs = 0;
  private all = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly postponed: Client[] = [];

  get active(): boolean {
    return this.endMs !== 0;
  }

  /** Clients waiting for the pause to end (INFO, CLIENT LIST's 'b' flag). */
  isPostponed(c: Client): boolean {
    return c.postponed !== null;
  }

  /** Starts or extends a pause: the later end and the stricter mode win, as in Redis. */
  pause(endMs: number, all: boolean): void {
    const wasActive = this.active;
    if (!wasActive || endMs > this.endMs) this.endMs = endMs;
    this.all = (wasActive && this.all) || all;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.endMs - Date.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (Date.now() >= this.endMs) this.unpause();
    else this.pause(this.endMs, this.all);
  }

  /** Ends the pause and runs the postponed commands in arrival order. */
  unpause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.endMs = 0;
    this.all = false;
    const waiting = this.postponed.splice(0);
    // After the current command's reply has been written.
    queueMicrotask(() => {
      for (const c of waiting) {
        const argv = c.postponed;
        c.postponed = null;
        if (c.closed || argv === null) continue;
        dispatch(c, argv);
        c.processInput();
      }
    });
  }

  /** True if `cmd` from `c` must wait for the end of the pause. */
  holds(c: Client, cmd: Command): boolean {
    if (this.all) return true;
    if (mayWrite(cmd)) return true;
    // EXEC waits if the transaction it would run writes.
    return (cmd.parent ?? cmd).name === 'exec' && c.multi !== null && c.multi.some((q) => mayWrite(q.cmd));
  }

  /** Parks `argv` until the pause ends; the client reads no more input meanwhile. */
  postpone(c: Client, argv: string[]): void {
    c.postponed = argv;
    this.postponed.push(c);
  }
}
