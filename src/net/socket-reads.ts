/**
 * Reads from client sockets into one reused buffer instead of a fresh Buffer
 * per read.
 *
 * Why: Node's default read path allocates a 64 KB backing store for every
 * read (malloc, realloc, and a free on a GC helper thread that contends with
 * the main thread's malloc) and then walks the Readable stream machinery to
 * emit 'data'. With pipelining, that is a large share of the per-read cost.
 * Node's `onread` socket option (documented for client sockets) reads into a
 * caller-owned buffer and calls back synchronously; accepted sockets cannot
 * ask for it through the public API, so it is switched on here through the
 * same fields the option sets. If a future Node lays the socket out
 * differently, the function returns false and the caller uses 'data' events.
 *
 * Contract: the chunk passed to `onChunk` is only valid during the call; any
 * bytes the callee keeps must be copied before it returns.
 */
import type net from 'node:net';

/** One buffer for every socket: reads complete one at a time on the main thread. */
const shared = Buffer.allocUnsafe(64 * 1024);

interface StreamHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
}

/** Switches `socket` to read into the shared buffer; false if this Node cannot. */
export function readIntoSharedBuffer(socket: net.Socket, onChunk: (chunk: Buffer) => void): boolean {
  const symbols = Object.getOwnPropertySymbols(socket);
  const kBuffer = symbols.find((s) => s.description === 'kBuffer');
  const kBufferCb = symbols.find((s) => s.description === 'kBufferCb');
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  if (kBuffer === undefined || kBufferCb === undefined || handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  fields[kBuffer] = shared;
  fields[kBufferCb] = (nread: number, buf: Buffer): void => onChunk(buf.subarray(0, nread));
  handle.useUserBuffer(shared);
  return true;
}
