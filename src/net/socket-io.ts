/**
 * Client socket I/O below Node's stream layer: reads into one shared buffer,
 * and small writes straight to the socket's handle.
 *
 * Why: per request, an unpipelined server does one read and one write, and
 * Node wraps each in machinery a Redis server does not need. Its default read
 * path allocates a 64 KB backing store per read (malloc, realloc, a free on a
 * GC helper thread that contends with the main thread's malloc) and emits
 * 'data' through the Readable state machine; its write path allocates a
 * native write request per write and runs the Writable state machine and a
 * nextTick callback after it. Under pipelining the read allocation was a
 * large share of the CPU; unpipelined, the two wrappers were about a tenth.
 *
 * Reads: Node's `onread` socket option (documented for client sockets) reads
 * into a caller-owned buffer; accepted sockets cannot ask for it through the
 * public API, so it is switched on through the same fields the option sets,
 * and the handle's read callback is replaced by one that hands the bytes over
 * directly (end of stream and errors still go to Node's own callback).
 *
 * Writes: while the socket has nothing queued, a reply is written with the
 * handle's own latin1 write, which tries a synchronous write first. If the
 * kernel does not take it all, libuv keeps the rest queued in order and later
 * writes go through `socket.write` (behind it in the same libuv queue) until
 * it is done.
 *
 * Every step checks that this Node has the fields it uses; where one is
 * missing, the socket is left to Node's public API ('data' events and
 * `socket.write`), which behaves the same, only slower.
 */
import type net from 'node:net';

/** One buffer for every socket: reads complete one at a time on the main thread. */
const shared = Buffer.allocUnsafe(64 * 1024);
/**
 * Views of `shared` by length, made once, so a read allocates no Buffer view
 * (~100 bytes each). With Server.endTurn reusing its list, young-generation
 * GCs per 300k unpipelined SETs went from 45-53 to 33-40.
 */
const views: Array<Buffer | undefined> = new Array(16 * 1024 + 1);

function viewOf(n: number): Buffer {
  if (n >= views.length) return shared.subarray(0, n);
  return (views[n] ??= shared.subarray(0, n));
}

/** Larger writes take Node's path: the direct path's gain is per call, and libuv may hold what it does not send. */
const DIRECT_WRITE_MAX = 64 * 1024;

interface WriteReq {
  handle: unknown;
  oncomplete: ((status: number) => void) | null;
}

interface StreamHandle {
  onread: (this: StreamHandle, ab: ArrayBuffer | undefined) => unknown;
  useUserBuffer?: (buf: Uint8Array) => void;
  writeLatin1String?: (req: WriteReq, data: string) => number;
}

interface StreamBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
}

/** Node's stream binding (read length and write outcome of the last call), or null if unavailable. */
const binding: StreamBinding | null = (() => {
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamBinding> }).binding('stream_wrap');
    if (typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array)) return null;
    if (typeof b.kReadBytesOrError !== 'number' || typeof b.kLastWriteWasAsync !== 'number') return null;
    return b as StreamBinding;
  } catch {
    return null;
  }
})();

function handleOf(socket: net.Socket): StreamHandle | null {
  return (socket as unknown as { _handle: StreamHandle | null })._handle;
}

/**
 * Makes `socket` read into the shared buffer and pass each read to `onChunk`,
 * which must copy any bytes it keeps before returning. False if this Node
 * cannot; the caller then listens for 'data'.
 */
export function readIntoSharedBuffer(socket: net.Socket, onChunk: (chunk: Buffer) => void): boolean {
  const symbols = Object.getOwnPropertySymbols(socket);
  const kBuffer = symbols.find((s) => s.description === 'kBuffer');
  const kBufferCb = symbols.find((s) => s.description === 'kBufferCb');
  const handle = handleOf(socket);
  if (kBuffer === undefined || kBufferCb === undefined || handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  fields[kBuffer] = shared;
  fields[kBufferCb] = (nread: number, buf: Buffer): void => onChunk(buf === shared ? viewOf(nread) : buf.subarray(0, nread));
  handle.useUserBuffer(shared);
  const nodeOnRead = handle.onread;
  if (binding !== null && typeof nodeOnRead === 'function') {
    const state = binding.streamBaseState;
    const kRead = binding.kReadBytesOrError;
    handle.onread = function (ab) {
      const n = state[kRead];
      if (n > 0 && !socket.destroyed) return void onChunk(viewOf(n));
      return nodeOnRead.call(this, ab);
    };
  }
  return true;
}

/** Writes latin1 replies to one socket, in order, bypassing Node's stream layer when it can. */
export class SocketWriter {
  /** Reused while writes complete synchronously (the handle keeps no reference to it then). */
  private req: WriteReq | null = null;
  /** Bytes of a direct write libuv still holds; later writes queue behind it through Node. */
  private pending = 0;

  constructor(private readonly socket: net.Socket) {}

  write(data: string): void {
    const s = this.socket;
    const h = binding === null || this.pending !== 0 || data.length > DIRECT_WRITE_MAX || s.writableLength !== 0 || s.destroyed || !s.writable ? null : handleOf(s);
    if (h === null || h.writeLatin1String === undefined) {
      s.write(data, 'latin1');
      return;
    }
    const req = this.req ?? this.newReq(h);
    if (h.writeLatin1String(req, data) !== 0) {
      // A failed write (peer gone): Node's path reports it and closes the socket.
      s.write(data, 'latin1');
      return;
    }
    if (binding!.streamBaseState[binding!.kLastWriteWasAsync] === 0) return;
    // Partly written: libuv owns this request and the rest of the data until it completes.
    this.req = null;
    this.pending = data.length;
    req.oncomplete = (status) => {
      this.pending = 0;
      if (status < 0) s.destroy(new Error(`write failed (${status})`));
    };
  }

  /** Bytes written but not yet accepted by the kernel. */
  get queuedBytes(): number {
    return this.socket.writableLength + this.pending;
  }

  private newReq(h: StreamHandle): WriteReq {
    const req = new binding!.WriteWrap();
    req.handle = h;
    req.oncomplete = null;
    this.req = req;
    return req;
  }
}
