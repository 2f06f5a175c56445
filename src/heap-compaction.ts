/**
 * Idle heap compaction: respite's answer to memory fragmentation.
 *
 * Values overwritten or deleted leave holes in V8's old space, and V8's
 * default full GCs compact only a few pages, so RSS can stay at twice the
 * live data after a write-heavy load (measured: 290 MB RSS for 104 MB of live
 * heap after 3M SETs over 1M keys). When the server has been idle for a
 * while and the heap has grown well beyond what was live after the last
 * compaction, one full GC with compaction of every page returns the holes to
 * the OS (same load: 163-195 MB).
 *
 * It is a stop-the-world pause, so it runs only when no command has arrived
 * for `IDLE_MS`, and only while the heap is small enough for the pause to stay
 * short. Controlled by the `activedefrag` directive (Redis's name for
 * reclaiming fragmented memory); respite enables it by default.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** No command for this long counts as idle. */
const IDLE_MS = 2000;
/** Compact when the heap is this many times the size measured after the last compaction... */
const GROWTH_FACTOR = 1.3;
/** ...and at least this much larger. */
const MIN_GROWTH_BYTES = 32 * 1024 * 1024;
/** Above this heap size a full compaction could pause for seconds: leave it to V8. */
const MAX_HEAP_BYTES = 4 * 1024 * 1024 * 1024;

let gcFn: (() => void) | null | undefined;

/** V8's gc() without requiring --expose-gc on the command line. */
function getGc(): (() => void) | null {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  return gcFn;
}

export class HeapCompactor {
  private baseline = 0;
  /** Number of compactions run (INFO memory reports it). */
  runs = 0;
  /** Duration of the last compaction in ms. */
  lastPauseMs = 0;

  /**
   * Called from the server cron. `lastCommandAt` is the monotonic time
   * (performance.now()) of the last command. Returns true if it compacted.
   */
  maybeCompact(lastCommandAt: number): boolean {
    if (performance.now() - lastCommandAt < IDLE_MS) return false;
    const total = v8.getHeapStatistics().total_heap_size;
    if (total > MAX_HEAP_BYTES) return false;
    if (this.baseline !== 0 && (total < this.baseline * GROWTH_FACTOR || total - this.baseline < MIN_GROWTH_BYTES)) return false;
    if (this.baseline === 0 && total < MIN_GROWTH_BYTES * 2) return false;
    const gc = getGc();
    if (gc === null) return false;
    const start = performance.now();
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
    this.lastPauseMs = performance.now() - start;
    this.baseline = v8.getHeapStatistics().total_heap_size;
    this.runs++;
    return true;
  }
}
