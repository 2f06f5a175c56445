import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { globMatch, isLiteralPattern } from "../../src/keyspace/glob.js";
import { GLOB_KEYS } from "../support/glob-cases.js";

/**
 * Expected matches recorded from redis-server 7.0.15: KEYS <pattern> over
 * GLOB_KEYS (indexes into that list). The differential test
 * test/diff/keyspace-scan.test.ts re-checks the same table live.
 */
const FROM_REDIS: Array<[string, number[]]> = [
  ["*", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37]],
  ["?", [0, 1, 2, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 28, 29, 30]],
  ["??", [3]],
  ["???", [4, 5, 20, 21, 22, 23, 27, 31, 32]],
  ["a*", [0, 3, 4, 5, 20, 21, 22, 23, 27, 31]],
  ["*b", [1, 3, 20, 21, 22, 23, 27, 31]],
  ["*b*", [1, 3, 4, 5, 20, 21, 22, 23, 27, 31]],
  ["h?llo", [6, 7, 8, 11, 12]],
  ["h*llo", [6, 7, 8, 9, 10, 11, 12]],
  ["h[ae]llo", [6, 7]],
  ["h[^e]llo", [7, 8, 11, 12]],
  ["h[a-b]llo", [7]],
  ["h[b-a]llo", [7]],
  ["h\\*llo", [11]],
  ["h\\?llo", [12]],
  ["\\[", [13]],
  ["[[]", [13]],
  ["[]]", []],
  ["[]a]", []],
  ["[\\]]", [14]],
  ["[a-]", [0, 14, 16]],
  ["[-a]", [0, 15]],
  ["[a-c]", [0, 1, 2]],
  ["[c-a]", [0, 1, 2]],
  ["[^a-c]", [13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 28, 29, 30]],
  ["[^]", [0, 1, 2, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 28, 29, 30]],
  ["[", []],
  ["a[", []],
  ["a[b", [3]],
  ["[a", [0]],
  ["[^", [0, 1, 2, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 28, 29, 30]],
  ["[\\", [17]],
  ["\\", [17]],
  ["a\\", []],
  ["*\\", [17]],
  ["\\\\", [17]],
  ["a\\b", [3]],
  ["a\\\\b", [23]],
  ["**", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37]],
  ["***a***", [0, 3, 4, 5, 7, 20, 21, 22, 23, 27, 31, 36]],
  ["*?*", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37]],
  ["?*?", [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 22, 23, 27, 31, 32, 34, 35, 36, 37]],
  ["[a-ÿ]", [0, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 30]],
  ["[-ÿ]", [29, 30]],
  ["[ÿ-]", [29, 30]],
  ["[\u0000-a]", [0, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26]],
  ["*ÿ*", [30, 31]],
  ["\u0000", [26]],
  ["a?b", [20, 21, 22, 23, 27, 31]],
  ["a[\\-]b", [22]],
  ["a[-]b", [22]],
  ["user:*", [34, 35, 36]],
  ["user:?", [34]],
  ["user:[0-9]*", [34, 35, 36]],
  ["user:*:name", [36]],
  ["*:*", [34, 35, 36]],
  ["x-*-z", [37]],
  ["[A-Z]", [24, 25]],
  ["[a-Z]", [0, 13, 14, 16, 17, 25]],
  ["[Z-a]", [0, 13, 14, 16, 17, 25]],
  ["[^^]", [0, 1, 2, 13, 14, 15, 17, 18, 19, 24, 25, 26, 28, 29, 30]],
  ["^", [16]],
  ["hel*lo*", [6]],
  ["h*l*l*o", [6, 7, 8, 9, 10, 11, 12]],
  ["*e*e*e*", [10]],
  ["[*]", [18]],
  ["[?]", [19]],
  ["a[]b", []],
  ["[]", []],
  ["h[^ae]*", [8, 9, 11, 12]],
  ["[a-c-e]", [0, 1, 2, 15]],
  ["[!a]", [0]],
];

describe("glob: Redis stringmatchlen semantics", () => {
  it("matches exactly the keys Redis 7.0 matched for every recorded pattern", () => {
    for (const [pattern, expected] of FROM_REDIS) {
      // Why: KEYS "*" short-cuts matching; the matcher itself (like Redis's) rejects the empty key for "*".
      if (pattern === "*") continue;
      const got = GLOB_KEYS.map((k, i) => [k, i] as const).filter(([k]) => globMatch(pattern, k)).map(([, i]) => i);
      assert.deepEqual(got, expected, `pattern ${JSON.stringify(pattern)}`);
    }
  });

  it("'*' alone does not match the empty string in the matcher (KEYS short-cuts it)", () => {
    assert.equal(globMatch("*", ""), false);
    assert.equal(globMatch("*", "x"), true);
  });

  it("documented Redis examples (KEYS command page)", () => {
    for (const k of ["hello", "hallo", "hxllo"]) assert.ok(globMatch("h?llo", k));
    for (const k of ["hllo", "heeeello"]) assert.ok(globMatch("h*llo", k));
    assert.ok(globMatch("h[ae]llo", "hello") && globMatch("h[ae]llo", "hallo") && !globMatch("h[ae]llo", "hillo"));
    assert.ok(globMatch("h[^e]llo", "hallo") && globMatch("h[^e]llo", "hbllo") && !globMatch("h[^e]llo", "hello"));
    assert.ok(globMatch("h[a-b]llo", "hallo") && globMatch("h[a-b]llo", "hbllo") && !globMatch("h[a-b]llo", "hcllo"));
  });

  it("nocase folds ASCII letters only, as PSUBSCRIBE/CONFIG GET use it", () => {
    assert.ok(globMatch("HeLLo*", "hello world", true));
    assert.ok(globMatch("[A-C]x", "bx", true));
    assert.ok(!globMatch("HeLLo", "hello"));
  });

  it("pathological patterns finish quickly and nesting past 1000 never matches", () => {
    const t0 = Date.now();
    assert.equal(globMatch("a*".repeat(30) + "b", "a".repeat(60)), false);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(globMatch("*".repeat(5) + "x", "abcx"), true);
    assert.equal(globMatch("a*".repeat(1100), "a".repeat(1100)), false);
    assert.equal(globMatch("a*".repeat(900), "a".repeat(1100)), true);
  });

  it("isLiteralPattern is true only without * ? [ and backslash", () => {
    assert.ok(isLiteralPattern("user:1"));
    assert.ok(isLiteralPattern(""));
    for (const p of ["a*", "a?", "a[", "a\\b"]) assert.ok(!isLiteralPattern(p), p);
  });
});
