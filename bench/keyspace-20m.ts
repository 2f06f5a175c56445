/**
 * Proves the keyspace holds more than a JS Map's 2^24 (16.7M) entries and that
 * SCAN keeps its guarantee while the dictionary grows: loads 20M keys into
 * respite (alone, big heap), checks DBSIZE, then runs a full SCAN COUNT 1000
 * while 1M more keys are inserted, and checks every original key came back.
 *
 *   npm run bench:20m        (KEYS=20000000 EXTRA=1000000 to change)
 */
import net from 'node:net';
import { cli, fmtMB, keyName, loadKeys, rssBytes, startRespite } from './common.js';

/** ATTACH_PORT=p: use a running respite already loaded with keyName(0..KEYS-1) instead of starting one. */
const ATTACH_PORT = process.env.ATTACH_PORT === undefined ? 0 : Number(process.env.ATTACH_PORT);
const KEYS = Number(process.env.KEYS ?? 20000000);
const EXTRA = Number(process.env.EXTRA ?? 1000000);

/** Runs SCAN to completion on its own connection; returns the distinct original keys seen and the call count. */
function fullScan(port: number): Promise<{ seen: Uint8Array; distinct: number; calls: number; extraSeen: number }> {
  const seen = new Uint8Array(KEYS);
  let distinct = 0;
  let extraSeen = 0;
  let calls = 0;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    const send = (cursor: string): void => {
      calls++;
      sock.write(`*4\r\n$4\r\nSCAN\r\n$${cursor.length}\r\n${cursor}\r\n$5\r\nCOUNT\r\n$4\r\n1000\r\n`, 'latin1');
    };
    sock.setEncoding('latin1');
    sock.on('connect', () => send('0'));
    sock.on('data', (d: string) => {
      buf += d;
      const reply = parseScanReply(buf);
      if (reply === null) return;
      buf = '';
      for (const k of reply.keys) {
        const i = Number(k.slice(4));
        if (i < KEYS) {
          if (seen[i] === 0) {
            seen[i] = 1;
            distinct++;
          }
        } else extraSeen++;
      }
      if (calls % 2000 === 0) process.stderr.write(`  scan: ${calls} calls, ${distinct.toLocaleString('en-US')} distinct keys\n`);
      if (reply.cursor === '0') {
        sock.end();
        resolve({ seen, distinct, calls, extraSeen });
      } else send(reply.cursor);
    });
    sock.on('error', reject);
  });
}

/** Parses `*2 $n cursor *m $x key...`; null when incomplete. Keys have no CR/LF. */
function parseScanReply(s: string): { cursor: string; keys: string[] } | null {
  const lines = s.split('\r\n');
  // The last element is an unterminated remainder: only complete lines count.
  if (lines.length - 1 < 4) return null;
  if (lines[0].startsWith('-')) throw new Error(lines[0]);
  const cursor = lines[2];
  const m = Number(lines[3].slice(1));
  if (lines.length - 1 < 4 + 2 * m) return null;
  const keys: string[] = [];
  for (let i = 0; i < m; i++) keys.push(lines[5 + 2 * i]);
  return { cursor, keys };
}

async function main(): Promise<void> {
  if (ATTACH_PORT !== 0) {
    await scanPhase(ATTACH_PORT, 0);
    return;
  }
  const s = await startRespite(['--max-old-space-size=16000']);
  try {
    const t0 = Date.now();
    await loadKeys(s.port, 0, KEYS, 16, (n) => process.stderr.write(`  loaded ${n.toLocaleString('en-US')} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`));
    const loadS = (Date.now() - t0) / 1000;
    const dbsize = Number(cli(s.port, 'DBSIZE'));
    console.log(`loaded ${KEYS.toLocaleString('en-US')} keys in ${loadS.toFixed(1)} s (${Math.round(KEYS / loadS).toLocaleString('en-US')} keys/s); DBSIZE = ${dbsize.toLocaleString('en-US')} ${dbsize === KEYS ? 'ok' : 'WRONG'}; RSS ${fmtMB(rssBytes(s.proc.pid!))}`);
    await scanPhase(s.port, s.proc.pid!);
  } finally {
    await s.stop();
  }
}

/** SCAN the whole keyspace while EXTRA new keys are inserted; every original key must come back. */
async function scanPhase(port: number, pid: number): Promise<void> {
  const t1 = Date.now();
  const [scan] = await Promise.all([fullScan(port), loadKeys(port, KEYS, EXTRA, 16)]);
  const scanS = (Date.now() - t1) / 1000;
  const missing = KEYS - scan.distinct;
  console.log(
    `full SCAN COUNT 1000 during ${EXTRA.toLocaleString('en-US')} concurrent inserts: ${scan.calls.toLocaleString('en-US')} calls in ${scanS.toFixed(1)} s; ` +
      `distinct original keys ${scan.distinct.toLocaleString('en-US')} (missing ${missing}) ${missing === 0 ? 'ok' : 'WRONG'}; new keys seen ${scan.extraSeen.toLocaleString('en-US')}`,
  );
  const final = Number(cli(port, 'DBSIZE'));
  const rss = pid === 0 ? '' : `; RSS ${fmtMB(rssBytes(pid))}`;
  console.log(`final DBSIZE = ${final.toLocaleString('en-US')} ${final === KEYS + EXTRA ? 'ok' : 'WRONG'}${rss}`);
}

await main();
