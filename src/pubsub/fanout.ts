/**
 * Message fan-out for one event-loop turn. Frames published during a turn
 * are numbered; a subscriber that receives an unbroken run of them (the usual
 * case: every subscriber of a busy channel gets the same run) only records
 * the run's bounds, and at the end of the turn subscribers with the same run
 * share one encoded Buffer written to each socket — the bytes are encoded
 * once instead of once per subscriber. Anything else (a subscriber with
 * replies of its own pending, several channels interleaved) falls back to
 * appending to the client's output string. Order is kept: a run always
 * precedes what the client's output holds, and Client.flush() materializes
 * the run first through `beforeFlush` if the client is flushed mid-turn.
 */
import type { Client } from '../net/client.js';

/** A subscriber's delivery state in the current turn. */
export interface Pending {
  readonly client: Client;
  queued: boolean;
  /** The recorded run: frames [runStart, runStart + runCount), encoded for runResp. */
  runStart: number;
  runCount: number;
  runResp: 2 | 3;
}

export function newPending(client: Client): Pending {
  return { client, queued: false, runStart: 0, runCount: 0, runResp: 2 };
}

export class Fanout {
  /** Frame bodies of this turn, without the type byte ('*' RESP2, '>' RESP3). */
  private frames: string[] = [];
  private queue: Pending[] = [];
  private readonly byClient = new Map<Client, Pending>();
  private scheduled = false;

  /**
   * @param afterFlush called for each subscriber once its output was written
   *   at the end of the turn (output-limit checks).
   * @param schedule runs the end-of-turn flush once this turn's input is executed.
   */
  constructor(
    private readonly afterFlush: (c: Client, now: number) => void,
    private readonly schedule: (fn: () => void) => void,
  ) {}

  /** Appends one frame (`body` = the frame after its type byte) to each subscriber. */
  deliver(targets: Iterable<Pending>, body: string): void {
    const idx = this.frames.length;
    this.frames.push(body);
    for (const p of targets) {
      const c = p.client;
      if (p.runCount > 0) {
        if (p.runStart + p.runCount === idx && c.out.length === 0 && c.resp === p.runResp) {
          p.runCount++;
          continue;
        }
        this.materialize(p);
        c.out += (c.resp === 2 ? '*' : '>') + body;
      } else if (c.out.length === 0) {
        p.runStart = idx;
        p.runCount = 1;
        p.runResp = c.resp;
        c.beforeFlush = this.beforeFlush;
      } else {
        c.out += (c.resp === 2 ? '*' : '>') + body;
      }
      if (p.queued) continue;
      p.queued = true;
      this.queue.push(p);
      this.byClient.set(c, p);
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // After every socket read of this loop turn (like Redis's beforeSleep):
    // one write per subscriber for the messages of all publishers.
    this.schedule(this.flushAll);
  }

  /** Moves a client's recorded run into its output string (ahead of what is there). */
  materializeClient(c: Client): void {
    const p = this.byClient.get(c);
    if (p !== undefined && p.runCount > 0) this.materialize(p);
  }

  private materialize(p: Pending, frames: readonly string[] = this.frames): void {
    const t = p.runResp === 2 ? '*' : '>';
    let s = '';
    for (let i = p.runStart, end = p.runStart + p.runCount; i < end; i++) s += t + frames[i];
    p.client.out = s + p.client.out;
    p.runCount = 0;
    p.client.beforeFlush = null;
  }

  private readonly beforeFlush = (c: Client): void => this.materializeClient(c);

  /** End of turn: shared runs go out as one Buffer each, then each client's own output. */
  private readonly flushAll = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    const frames = this.frames;
    this.queue = [];
    this.frames = [];
    this.byClient.clear();
    // How many subscribers share each run: a run only one of them has is
    // written with the client's own output as one string (no Buffer to
    // allocate, one write); a shared run is encoded once into a Buffer.
    const sharing = new Map<string, number>();
    for (const p of queue) {
      if (p.runCount === 0) continue;
      const key = runKey(p);
      sharing.set(key, (sharing.get(key) ?? 0) + 1);
    }
    const shared = new Map<string, Buffer>();
    const now = Date.now();
    for (const p of queue) {
      const c = p.client;
      p.queued = false;
      c.beforeFlush = null;
      if (p.runCount > 0) {
        const key = runKey(p);
        if (sharing.get(key) === 1) {
          // Goes out below, with the client's own output.
          this.materialize(p, frames);
          if (c.socket === null) continue;
        } else {
          const count = p.runCount;
          p.runCount = 0;
          if (c.closed || c.socket === null) continue;
          let buf = shared.get(key);
          if (buf === undefined) {
            buf = encodeRun(frames, p.runStart, count, p.runResp);
            shared.set(key, buf);
          }
          c.server.stats.netOutputBytes += buf.length;
          c.socket.write(buf);
        }
      }
      if (c.closed) continue;
      if (c.out.length !== 0) c.flush();
      this.afterFlush(c, now);
    }
  };
}

/** Identifies a run: subscribers with equal keys receive the same bytes. */
function runKey(p: Pending): string {
  return `${p.runStart},${p.runCount},${p.runResp}`;
}

/**
 * Encodes frames [start, start + count), each led by its type byte, into one
 * Buffer: join() writes every (rope) frame into one flat string in a single
 * pass, and the Buffer is encoded in one call.
 */
function encodeRun(frames: readonly string[], start: number, count: number, resp: 2 | 3): Buffer {
  const t = resp === 2 ? '*' : '>';
  const run = start === 0 && count === frames.length ? frames : frames.slice(start, start + count);
  return Buffer.from(t + run.join(t), 'latin1');
}
