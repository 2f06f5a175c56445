/** Glob test cases shared by test/unit/glob.test.ts and test/diff/keyspace-scan.test.ts. */

/** Keys chosen to exercise every glob feature, including bytes >= 0x80 and NUL. */
export const GLOB_KEYS = [
  'a', 'b', 'c', 'ab', 'abc', 'abd', 'hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'h?llo',
  '[', ']', '-', '^', '\\', '*', '?', 'a[b', 'a]b', 'a-b', 'a\\b', 'A', 'Z', '\x00', 'a\x00b',
  '\x7f', '\x80', '\xff', 'a\xffb', '\xe9t\xe9', '', 'user:1', 'user:10', 'user:2:name', 'x-y-z',
];

export const GLOB_PATTERNS = [
  '*', '?', '??', '???', 'a*', '*b', '*b*', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h[b-a]llo',
  'h\\*llo', 'h\\?llo', '\\[', '[[]', '[]]', '[]a]', '[\\]]', '[a-]', '[-a]', '[a-c]', '[c-a]', '[^a-c]', '[^]',
  '[', 'a[', 'a[b', '[a', '[^', '[\\', '\\', 'a\\', '*\\', '\\\\', 'a\\b', 'a\\\\b', '**', '***a***', '*?*', '?*?',
  '[a-\xff]', '[\x80-\xff]', '[\xff-\x80]', '[\x00-a]', '*\xff*', '\x00', 'a?b', 'a[\\-]b', 'a[-]b', 'user:*',
  'user:?', 'user:[0-9]*', 'user:*:name', '*:*', 'x-*-z', '[A-Z]', '[a-Z]', '[Z-a]', '[^^]', '^', 'hel*lo*',
  'h*l*l*o', '*e*e*e*', '[*]', '[?]', 'a[]b', '[]', 'h[^ae]*', '[a-c-e]', '[!a]',
];
