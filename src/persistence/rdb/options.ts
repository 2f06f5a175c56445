/**
 * RDB settings read from the server's configuration at the moment they are
 * needed (so CONFIG SET takes effect at the next DUMP or save).
 */
import type { Server } from '../../server.js';
import type { DecodeLimits } from './decode.js';
import type { EncodeOptions } from './encode.js';

/** rdbcompression and list-max-listpack-size. */
export function encodeOptions(s: Server): EncodeOptions {
  return { compress: s.config.bool('rdbcompression'), listFill: s.config.int('list-max-listpack-size') };
}

/** The *-max-* limits that choose encodings when values are loaded. */
export function decodeLimits(s: Server): DecodeLimits {
  const cfg = s.config;
  return {
    hash: { entries: cfg.int('hash-max-listpack-entries'), value: cfg.int('hash-max-listpack-value') },
    zset: { entries: cfg.int('zset-max-listpack-entries'), value: cfg.int('zset-max-listpack-value') },
    intsetMax: cfg.int('set-max-intset-entries'),
  };
}
