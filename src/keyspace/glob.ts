/**
 * Glob-style matching with Redis's exact semantics (its `stringmatchlen`),
 * used by KEYS, SCAN MATCH and later PSUBSCRIBE / CONFIG GET.
 *
 * Supported: `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (a reversed range `[z-a]`
 * is accepted), `\x` escapes (also inside brackets). Quirks kept on purpose:
 * - an unterminated `[` matches against the rest of the pattern as a class;
 * - bytes are compared as C `char`, which is signed, so in ranges bytes
 *   >= 0x80 sort before 0x00 (e.g. `[a-\xff]` is the range -1..97);
 * - a pattern nested past 1000 `*` levels never matches (Redis's guard).
 * Strings and patterns are latin1 (one char per byte).
 */

/** True if the pattern has no glob metacharacter, so only the key itself can match. */
export function isLiteralPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91 || c === 92) return false; // * ? [ \
  }
  return true;
}

/** Redis's glob match of `str` against `pattern` (case-sensitive unless nocase). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const state = { skipLonger: false };
  return matchFrom(pattern, 0, str, 0, nocase, state, 0);
}

/** The byte at i as a signed C char; 0 past the end (the C string's terminator). */
function sch(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 128 ? c - 256 : c;
}

function fold(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

function matchFrom(pat: string, p: number, str: string, s: number, nocase: boolean, state: { skipLonger: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  const plen = pat.length;
  const slen = str.length;
  while (p < plen && s < slen) {
    const pc = sch(pat, p);
    if (pc === 42) {
      // '*': collapse runs, then try every suffix of the string.
      while (p < plen && sch(pat, p + 1) === 42) p++;
      if (p + 1 === plen) return true;
      while (s < slen) {
        if (matchFrom(pat, p + 1, str, s, nocase, state, nesting + 1)) return true;
        // Why: if the rest failed from every later start, longer matches for an
        // earlier '*' cannot help either (Redis's exponential-time guard).
        if (state.skipLonger) return false;
        s++;
      }
      state.skipLonger = true;
      return false;
    } else if (pc === 63) {
      s++;
    } else if (pc === 91) {
      const r = matchClass(pat, p + 1, sch(str, s), nocase);
      if (!r.match) return false;
      p = r.end;
      s++;
    } else {
      if (pc === 92 && plen - p >= 2) p++;
      if (fold(sch(pat, p), nocase) !== fold(sch(str, s), nocase)) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (sch(pat, p) === 42) p++;
      break;
    }
  }
  return p >= plen && s === slen;
}

/**
 * Matches one byte `c` against the class starting after '['. Returns whether
 * it matched and the index of the closing ']' (or of the last pattern byte
 * when the class is unterminated).
 */
function matchClass(pat: string, p: number, c: number, nocase: boolean): { match: boolean; end: number } {
  const plen = pat.length;
  const not = sch(pat, p) === 94; // ^
  if (not) p++;
  let match = false;
  for (;;) {
    const pc = sch(pat, p);
    if (pc === 92 && plen - p >= 2) {
      p++;
      if (fold(sch(pat, p), nocase) === fold(c, nocase)) match = true;
    } else if (pc === 93 && p < plen) {
      break;
    } else if (p >= plen) {
      // Unterminated class: Redis steps back so the outer loop ends exactly at the end.
      p--;
      break;
    } else if (plen - p >= 3 && sch(pat, p + 1) === 45) {
      let start = fold(pc, nocase);
      let end = fold(sch(pat, p + 2), nocase);
      if (start > end) [start, end] = [end, start];
      const x = fold(c, nocase);
      p += 2;
      if (x >= start && x <= end) match = true;
    } else if (fold(pc, nocase) === fold(c, nocase)) {
      match = true;
    }
    p++;
  }
  return { match: not ? !match : match, end: p };
}
