/**
 * The AOF's command encoding: a RESP array of bulk strings, as latin1 text
 * (one character per byte, so keys and values stay binary-safe).
 */

/** Encodes one command as `*<n>\r\n$<len>\r\n<arg>\r\n...`. */
export function encodeCommand(argv: readonly string[]): string {
  let out = '*' + argv.length + '\r\n';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    out += '$' + a.length + '\r\n' + a + '\r\n';
  }
  return out;
}

/** `SELECT <db>` as Redis writes it into the AOF before a command of another database. */
export function encodeSelect(db: number): string {
  const s = String(db);
  return `*2\r\n$6\r\nSELECT\r\n$${s.length}\r\n${s}\r\n`;
}

/** The `#TS:<unix seconds>` annotation written when aof-timestamp-enabled is yes. */
export function encodeTimestamp(unixSeconds: number): string {
  return `#TS:${unixSeconds}\r\n`;
}
