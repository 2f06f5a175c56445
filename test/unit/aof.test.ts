/**
 * AOF building blocks without sockets: the manifest syntax (checked against
 * files redis-server 7.0.15 writes and the texts its loader prints), the
 * command encoding, the reader's torn-tail / bad-format distinction, the
 * per-type rewrite commands and the check-aof analysis.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCommand, encodeSelect, encodeTimestamp } from '../../src/persistence/aof/encode.js';
import { formatManifest, ManifestError, parseManifest, splitArgs } from '../../src/persistence/aof/manifest.js';
import { AofReader } from '../../src/persistence/aof/reader.js';
import { rewriteKey } from '../../src/persistence/aof/rewrite-commands.js';
import { checkAofBytes } from '../../src/tools/check-aof.js';
import { ListValue } from '../../src/types/list.js';

// The manifest redis-server 7.0.15 writes after one BGREWRITEAOF (captured from the oracle).
const REDIS_MANIFEST = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';

describe('AOF manifest', () => {
  it("parses and re-formats Redis's manifest byte for byte", () => {
    const m = parseManifest(REDIS_MANIFEST);
    assert.deepEqual(m.base, { name: 'appendonly.aof.2.base.aof', seq: 2, type: 'b' });
    assert.deepEqual(m.incrs, [{ name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' }]);
    assert.equal(formatManifest(m), REDIS_MANIFEST);
  });

  it('accepts comments, keys in any order and case, unknown keys, quoted names', () => {
    const m = parseManifest('# comment\nSEQ 1 TYPE b FILE "my file.aof" extra x\nfile a.1.incr.aof type i seq 1\n');
    assert.equal(m.base?.name, 'my file.aof');
    assert.equal(m.incrs[0].name, 'a.1.incr.aof');
    // Names with spaces are written quoted, as Redis's sdscatrepr does.
    assert.match(formatManifest(m), /^file "my file\.aof" seq 1 type b\n/);
  });

  it("rejects what Redis rejects, with Redis's texts", () => {
    const err = (text: string) => {
      try {
        parseManifest(text);
      } catch (e) {
        assert.ok(e instanceof ManifestError);
        return e.message;
      }
      assert.fail('no error');
    };
    assert.equal(err(''), 'Found an empty AOF manifest');
    assert.equal(err('file a seq 1\n'), 'Invalid AOF manifest file format');
    assert.equal(err('\n'), 'Invalid AOF manifest file format');
    assert.equal(err('file a seq 1 type b\nfile b seq 2 type b\n'), 'Found duplicate base file information');
    assert.equal(err('file a seq 2 type i\nfile b seq 2 type i\n'), 'Found a non-monotonic sequence number');
    assert.equal(err('file a seq 1 type x\n'), 'Unknown AOF file type');
    assert.equal(err('file d/a seq 1 type b\n'), "File can't be a path, just a filename");
    assert.equal(err('file a seq 1 type b'), 'The AOF manifest file contains too long line');
  });

  it('splits arguments like sdssplitargs', () => {
    assert.deepEqual(splitArgs(`a "b c" 'd e' "\\x41\\n"`), ['a', 'b c', 'd e', 'A\n']);
    assert.equal(splitArgs('"unterminated'), null);
    assert.equal(splitArgs('"a"b'), null);
  });
});

describe('AOF encoding', () => {
  it('writes commands, SELECT and timestamps as Redis does', () => {
    // Bytes as found in redis-server 7.0.15 AOF files.
    assert.equal(encodeCommand(['set', 'a', '1']), '*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(encodeSelect(3), '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n');
    assert.equal(encodeSelect(12), '*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n');
    assert.equal(encodeTimestamp(1700000000), '#TS:1700000000\r\n');
    assert.equal(encodeCommand(['SET', 'k\r\n\x00\xff', '']), '*3\r\n$3\r\nSET\r\n$5\r\nk\r\n\x00\xff\r\n$0\r\n\r\n');
  });

  it('rewrites a key like the base file Redis writes', () => {
    // From redis-server's rewritten base: SET then PEXPIREAT for a key with a TTL.
    assert.equal(rewriteKey('b', '2', 1795619187978), '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nb\r\n$13\r\n1795619187978\r\n');
    // Aggregates are rebuilt 64 elements per command (AOF_REWRITE_ITEMS_PER_CMD).
    const l = new ListValue();
    for (let i = 0; i < 130; i++) l.pushTail(String(i));
    const r = new AofReader(Buffer.from(rewriteKey('l', l, -1), 'latin1'));
    const sizes: number[] = [];
    for (let x = r.next(); x.kind === 'command'; x = r.next()) {
      assert.equal(x.argv[0], 'RPUSH');
      sizes.push(x.argv.length - 2);
    }
    assert.deepEqual(sizes, [64, 64, 2]);
  });
});

describe('AOF reader', () => {
  const good = encodeCommand(['SET', 'a', '1']) + '#TS:1700000000\r\n' + encodeCommand(['DEL', 'a']);

  it('skips annotations and reads every command with its end offset', () => {
    const r = new AofReader(Buffer.from(good, 'latin1'));
    const a = r.next();
    assert.equal(a.kind, 'command');
    assert.deepEqual(a.kind === 'command' && a.argv, ['SET', 'a', '1']);
    const b = r.next();
    assert.deepEqual(b.kind === 'command' && [b.argv, b.end], [['DEL', 'a'], good.length]);
    assert.equal(r.next().kind, 'eof');
  });

  it('tells a torn tail from a bad byte', () => {
    for (let cut = good.length - 1; cut > good.length - 20; cut--) {
      const r = new AofReader(Buffer.from(good.slice(0, cut), 'latin1'));
      r.next();
      const t = r.next();
      assert.equal(t.kind, 'truncated', `cut at ${cut}`);
    }
    const bad = new AofReader(Buffer.from(encodeCommand(['SET', 'a', '1']) + 'xyz\r\n' + encodeCommand(['DEL', 'a']), 'latin1'));
    bad.next();
    const f = bad.next();
    assert.equal(f.kind, 'format');
    assert.equal(f.kind === 'format' && f.offset, encodeCommand(['SET', 'a', '1']).length);
  });

  it('check-aof reports the last good offset of a torn file and a MULTI without EXEC', () => {
    const torn = checkAofBytes(Buffer.from(good + '*3\r\n$3\r\nSET', 'latin1'));
    assert.equal(torn.problem, 'truncated');
    assert.equal(torn.okUpTo, good.length);
    const multi = encodeCommand(['MULTI']) + encodeCommand(['INCR', 'x']);
    const m = checkAofBytes(Buffer.from(good + multi, 'latin1'));
    assert.equal(m.problem, 'truncated');
    assert.equal(m.okUpTo, good.length);
    assert.equal(checkAofBytes(Buffer.from(good, 'latin1')).problem, null);
  });
});
