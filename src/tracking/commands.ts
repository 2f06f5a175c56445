/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (registered in
 * commands/client.ts). Error texts and check order follow Redis 7.0.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import { parseInt64 } from '../types/int64.js';
import { isWord } from '../commands/args.js';
import { clientTracking, trackingFor, type ClientTracking, type TrackingOptions } from './tracking.js';

/** Parses the options after ON|OFF; the REDIRECT target must exist now. */
function parseOptions(c: Client, argv: string[]): TrackingOptions {
  const o: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
  for (let j = 3; j < argv.length; j++) {
    const more = j < argv.length - 1;
    const a = argv[j];
    if (isWord(a, 'REDIRECT') && more) {
      j++;
      if (o.redirect !== 0) fail('ERR A client can only redirect to a single other client');
      const id = parseInt64(argv[j]);
      if (id === null) fail(Err.notInteger);
      if (id <= 0n || !c.server.clients.has(Number(id))) fail('ERR The client ID you want redirect to does not exist');
      o.redirect = Number(id);
    } else if (isWord(a, 'BCAST')) o.bcast = true;
    else if (isWord(a, 'OPTIN')) o.optin = true;
    else if (isWord(a, 'OPTOUT')) o.optout = true;
    else if (isWord(a, 'NOLOOP')) o.noloop = true;
    else if (isWord(a, 'PREFIX') && more) o.prefixes.push(argv[++j]);
    else fail(Err.syntax);
  }
  return o;
}

/** One prefix is a prefix of the other (Redis's stringCheckPrefix). */
function overlap(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

/** Redis prints prefixes with %s: the text stops at a NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Rejects prefixes overlapping the client's existing ones or each other.
 * Returns false when the command must stop. Redis quirk reproduced: an
 * overlap between two new prefixes found past the first one is replied as
 * an error but does not stop the command (which then also replies +OK).
 */
function checkPrefixes(c: Client, ct: ClientTracking | undefined, prefixes: string[]): boolean {
  const existing = ct === undefined ? [] : [...ct.prefixes].sort();
  for (let i = 0; i < prefixes.length; i++) {
    for (const e of existing) {
      if (overlap(e, prefixes[i])) {
        c.error(`ERR Prefix '${cstr(prefixes[i])}' overlaps with an existing prefix '${cstr(e)}'. Prefixes for a single client must not overlap.`);
        return false;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefixes[i], prefixes[j])) {
        c.error(`ERR Prefix '${cstr(prefixes[i])}' overlaps with another provided prefix '${cstr(prefixes[j])}'. Prefixes for a single client must not overlap.`);
        return i !== 0;
      }
    }
  }
  return true;
}

/** Checks ON's options against each other and the client's current mode; replies the error if any. */
function validateOn(c: Client, o: TrackingOptions): boolean {
  const ct = clientTracking(c);
  if (!o.bcast && o.prefixes.length > 0) fail('ERR PREFIX option requires BCAST mode to be enabled');
  if (ct !== undefined && ct.bcast !== o.bcast) {
    fail("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (o.bcast && (o.optin || o.optout)) fail('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (o.optin && o.optout) fail("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (ct !== undefined && ((o.optin && ct.optout) || (o.optout && ct.optin))) {
    fail("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  return !o.bcast || checkPrefixes(c, ct, o.prefixes);
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
export function clientTrackingCmd(c: Client, argv: string[]): void {
  const o = parseOptions(c, argv);
  if (isWord(argv[2], 'ON')) {
    if (!validateOn(c, o)) return;
    trackingFor(c.server).enable(c, o);
  } else if (isWord(argv[2], 'OFF')) {
    trackingFor(c.server).disable(c);
  } else fail(Err.syntax);
  c.ok();
}

// CLIENT CACHING YES|NO
export function clientCachingCmd(c: Client, argv: string[]): void {
  const ct = clientTracking(c);
  if (ct === undefined) fail('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  if (isWord(argv[2], 'YES')) {
    if (!ct.optin) fail('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (isWord(argv[2], 'NO')) {
    if (!ct.optout) fail('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else fail(Err.syntax);
  ct.caching = true;
  c.ok();
}

// CLIENT GETREDIR
export function clientGetredirCmd(c: Client): void {
  c.integer(clientTracking(c)?.redirect ?? -1);
}

// CLIENT TRACKINGINFO
export function clientTrackinginfoCmd(c: Client): void {
  const ct = clientTracking(c);
  const flags: string[] = [ct === undefined ? 'off' : 'on'];
  if (ct !== undefined) {
    if (ct.bcast) flags.push('bcast');
    if (ct.optin) flags.push('optin');
    if (ct.optin && ct.caching) flags.push('caching-yes');
    if (ct.optout) flags.push('optout');
    if (ct.optout && ct.caching) flags.push('caching-no');
    if (ct.noloop) flags.push('noloop');
    if (ct.brokenRedir) flags.push('broken_redirect');
  }
  c.map(3);
  c.bulk('flags');
  c.set(flags.length);
  for (const f of flags) c.bulk(f);
  c.bulk('redirect');
  c.integer(ct === undefined ? -1 : ct.redirect);
  c.bulk('prefixes');
  const prefixes = ct === undefined ? [] : [...ct.prefixes].sort();
  c.array(prefixes.length);
  for (const p of prefixes) c.bulk(p);
}
