/**
 * DUMP / RESTORE payloads: the RDB type byte and object body, then the RDB
 * version as 2 little-endian bytes, then the CRC-64 of everything before it
 * (8 bytes, little-endian).
 */
import type { Value } from '../../types/value.js';
import { crc64 } from './crc64.js';
import { ByteReader, readObject, type DecodeLimits } from './decode.js';
import { rdbTypeOf, writeObject, type EncodeOptions } from './encode.js';
import { ByteWriter } from './writer.js';

/** The RDB format version Redis 7.0 writes. */
export const RDB_VERSION = 10;

/** Serializes `v` as DUMP does; the result is a latin1 string (the reply bulk). */
export function dumpPayload(v: Value, o: EncodeOptions): string {
  const w = new ByteWriter(64);
  w.byte(rdbTypeOf(v));
  writeObject(w, v, o);
  w.u16le(RDB_VERSION);
  const body = w.result();
  w.bytes(crc64(body).bytes());
  return w.result().toString('latin1');
}

/**
 * True when the footer's version is one we read and the checksum matches
 * (what Redis's verifyDumpPayload checks before RESTORE parses anything).
 */
export function verifyDumpPayload(p: Buffer): boolean {
  if (p.length < 10) return false;
  const ver = p[p.length - 10] | (p[p.length - 9] << 8);
  if (ver > RDB_VERSION) return false;
  return crc64(p, 0, p.length - 8).bytes().equals(p.subarray(p.length - 8));
}

/** Parses a verified payload's value; throws RdbFormatError when the body is malformed. */
export function parseDumpPayload(p: Buffer, lim: DecodeLimits): Value {
  const r = new ByteReader(p, p.length - 10);
  const type = r.byte();
  const v = readObject(r, type, lim);
  return v;
}
