/**
 * A connected client: its socket, request parser, reply buffer and session
 * state (db, auth, protocol, MULTI, reply mode). Input is processed Redis
 * style: every complete command of a read is executed in order and all their
 * replies leave in one socket write.
 */
import type net from 'node:net';
import { dispatch } from '../commands/dispatch.js';
import type { Command } from '../commands/table.js';
import type { BlockState } from '../keyspace/blocking.js';
import type { Database } from '../keyspace/db.js';
import { ProtocolError, RequestParser } from '../protocol/request-parser.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { Server } from '../server.js';
import { SocketWriter } from './socket-io.js';

/** Stop reading from a client whose unsent replies exceed this, until its socket drains. */
const OUTPUT_PAUSE_BYTES = 64 * 1024 * 1024;
/** Replies of a read at least this large are written at once instead of at the end of the turn. */
const WRITE_NOW_BYTES = 1024;
/** Pending replies beyond this are written before the rest of the read is executed. */
const FLUSH_EARLY_BYTES = 4 * 1024 * 1024;

export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

export class Client extends ReplyWriter {
  readonly parser = new RequestParser();
  name = '';
  db: Database;
  authenticated: boolean;
  user = 'default';
  readonly createdAt: number;
  lastInteraction: number;
  lastCommand: Command | undefined;
  /** dispatch's cache: the command table's answer for the last command name looked up. */
  lastLookupName = '';
  lastLookup: Command | undefined;
  /** Queued commands while in MULTI, else null. */
  multi: QueuedCommand[] | null = null;
  /** A command was rejected while queuing: EXEC must abort. */
  multiDirty = false;
  /** Channels + patterns subscribed (RESP2 subscribe mode when > 0). */
  subscriptions = 0;
  replyOff = false;
  replySkip = false;
  replySkipNext = false;
  noEvict = false;
  /** Non-null while blocked in BLPOP & co. (input processing waits). */
  blocked: BlockState | null = null;
  /** Non-null while a CLIENT PAUSE holds this client's command (input processing waits). */
  postponed: string[] | null = null;
  /** True while EXEC (or a script) runs this client's commands: blocking commands must not block. */
  inExec = false;
  /** In the server's list of clients to flush at the end of this event-loop turn. */
  writeQueued = false;
  /** The AOF sequence this client's held replies wait for (appendfsync always), or -1. */
  aofHeldUntil = -1;
  /** Set when the connection must close once pending replies are written. */
  closeAfterReply = false;
  closed = false;
  /**
   * Set by pub/sub while messages recorded for this client this turn are not
   * yet in `out`; flush() calls it first so they keep their place.
   */
  beforeFlush: ((c: Client) => void) | null = null;
  /** Per-client flags as CLIENT LIST prints them, besides the ones derived from state. */
  flagsExtra = '';
  private paused = false;
  /** Writes this client's replies (null for clients without a socket: Lua, AOF loading). */
  readonly writer: SocketWriter | null;
  readonly addr: string;
  readonly laddr: string;

  constructor(
    readonly id: number,
    readonly server: Server,
    readonly socket: net.Socket | null,
  ) {
    super();
    this.db = server.dbs[0];
    this.authenticated = !server.requiresAuth();
    this.parser.authenticated = this.authenticated;
    this.writer = socket === null ? null : new SocketWriter(socket);
    this.createdAt = this.lastInteraction = Date.now();
    this.addr = socket === null ? '' : formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = socket === null ? '' : formatAddr(socket.localAddress, socket.localPort);
  }

  override error(msg: string): void {
    this.server.countError(msg);
    super.error(msg);
  }

  setAuthenticated(ok: boolean): void {
    this.authenticated = ok;
    this.parser.authenticated = ok;
  }

  /** Feeds bytes read from the socket and executes what they complete. */
  onData(chunk: Buffer): void {
    this.lastInteraction = Date.now();
    this.server.stats.netInputBytes += chunk.length;
    this.parser.feed(chunk);
    if (this.parser.pendingBytes > this.server.queryBufferLimit) {
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} (qbuf initial bytes: ...)`);
      this.server.stats.clientQueryBufferLimitDisconnections++;
      this.close();
      return;
    }
    this.processInput();
  }

  /** onData for a chunk in a buffer that is reused once this returns (see socket-io.ts). */
  onBorrowedData(chunk: Buffer): void {
    this.onData(chunk);
    this.parser.release();
  }

  /** Executes complete commands until input runs out or the client must stop. */
  processInput(): void {
    try {
      while (!this.closeAfterReply && !this.closed && !this.paused && this.blocked === null && this.postponed === null) {
        const argv = this.parser.next();
        if (argv === null) break;
        dispatch(this, argv);
        // Big replies go out as they come: a JS string cannot grow past
        // ~512 MB, and writing early lets backpressure pause this client.
        if (this.out.length > FLUSH_EARLY_BYTES) this.flush();
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      // Redis sends protocol errors as generic errors: "-ERR Protocol error: ..."
      this.error('ERR ' + e.message);
      this.server.log('verbose', `Protocol error (${e.message}) from client: id=${this.id} addr=${this.addr}`);
      this.closeAfterReply = true;
    }
    this.server.endTiming();
    // Small replies wait for the end of the turn (one burst of writes, see
    // Server.queueWrite); a larger one goes out now: batching gains it little,
    // and the reply ropes of many clients held until the end of the turn
    // outgrow V8's young generation and get promoted (LRANGE_600: 3x the CPU).
    if (this.out.length >= WRITE_NOW_BYTES) this.flush();
    else this.server.queueWrite(this);
  }

  /** Writes pending replies in one socket write; closes if asked to. */
  flush(): void {
    if (this.beforeFlush !== null) this.beforeFlush(this);
    // appendfsync always: replies wait until the AOF data they depend on is fsynced.
    if (this.out.length !== 0 && this.server.aof.holdReplies(this)) return;
    const s = this.socket;
    if (this.out.length !== 0 && s !== null && !this.closed) {
      const data = this.out;
      this.out = '';
      this.server.stats.netOutputBytes += data.length;
      this.writer!.write(data);
      if (this.writer!.queuedBytes > OUTPUT_PAUSE_BYTES && !this.paused) {
        this.paused = true;
        s.pause();
        s.once('drain', () => {
          this.paused = false;
          if (this.closed) return;
          s.resume();
          this.processInput();
        });
      }
    }
    if (this.closeAfterReply && !this.closed) this.close();
  }

  /** Closes the connection after flushing what was already written. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.unlinkClient(this);
    if (this.socket !== null) {
      this.socket.end();
      // A peer that never reads would keep the socket alive forever.
      this.socket.setTimeout(5000, () => this.socket!.destroy());
    }
  }
}

/** `ip:port` as CLIENT LIST prints it (IPv4-mapped IPv6 addresses shown as IPv4). */
function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return `${host}:${port}`;
}
