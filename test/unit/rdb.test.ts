import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Server } from '../../src/server.js';
import { crc64, Crc64 } from '../../src/persistence/rdb/crc64.js';
import { loadRdb, RdbFileWriter, RdbLoadError, writeAllDbs } from '../../src/persistence/rdb/file.js';
import { decodeIntset, decodeListpack, encodeIntset, encodeListpack } from '../../src/persistence/rdb/listpack.js';
import { lzfDecompress } from '../../src/persistence/rdb/lzf-decompress.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/decode.js';
import { loadAofPreamble } from '../../src/persistence/rdb/manager.js';
import { ByteWriter } from '../../src/persistence/rdb/writer.js';
import { lzfCompress } from '../../src/types/lzf.js';
import { ListValue } from '../../src/types/list.js';
import { HashValue } from '../../src/types/hash.js';
import { Rng } from '../support/random.js';

describe('RDB primitives', () => {
  it('CRC-64 (Jones) matches the check value Redis documents for "123456789"', () => {
    assert.equal(crc64(Buffer.from('123456789')).value(), 0xe9c6d914c4b8d9can);
    const c = new Crc64();
    c.update(Buffer.from('1234'));
    c.update(Buffer.from('56789'));
    assert.equal(c.value(), 0xe9c6d914c4b8d9can);
    assert.deepEqual([...crc64(Buffer.from('123456789')).bytes()], [0xca, 0xd9, 0xb8, 0xc4, 0x14, 0xd9, 0xc6, 0xe9]);
  });

  it('lengths use the 6-bit, 14-bit and 32-bit big-endian forms', () => {
    const enc = (n: number) => {
      const w = new ByteWriter(4);
      w.len(n);
      return [...w.result()];
    };
    assert.deepEqual(enc(63), [0x3f]);
    assert.deepEqual(enc(64), [0x40, 0x40]);
    assert.deepEqual(enc(16383), [0x7f, 0xff]);
    assert.deepEqual(enc(16384), [0x80, 0, 0, 0x40, 0]);
  });

  it('strings: int encodings for canonical integers up to 32 bits, raw otherwise', () => {
    const enc = (s: string) => {
      const w = new ByteWriter(4);
      w.str(s, true);
      return [...w.result()];
    };
    assert.deepEqual(enc('5'), [0xc0, 5]);
    assert.deepEqual(enc('-129'), [0xc1, 0x7f, 0xff]);
    assert.deepEqual(enc('70000'), [0xc2, 0x70, 0x11, 0x01, 0x00]);
    assert.deepEqual(enc('05'), [2, 0x30, 0x35]);
    assert.deepEqual(enc('4294967296').slice(0, 1), [10]);
  });

  it('LZF round-trips and refuses incompressible data', () => {
    const rng = new Rng(7);
    for (const n of [21, 100, 5000, 70000]) {
      const rep = Buffer.from('abcdefgh'.repeat(Math.ceil(n / 8)).slice(0, n), 'latin1');
      const z = lzfCompress(rep, rep.length - 4);
      assert.ok(z !== null);
      assert.ok(lzfDecompress(z, rep.length).equals(rep));
      const noise = Buffer.from(Array.from({ length: n }, () => rng.int(0, 255)));
      const zn = lzfCompress(noise, noise.length - 4);
      if (zn !== null) assert.ok(lzfDecompress(zn, n).equals(noise));
    }
    assert.equal(lzfCompress(Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97) & 255)), 60), null);
  });

  it('listpacks: empty one is 7 bytes; entries round-trip', () => {
    assert.deepEqual([...encodeListpack([])], [7, 0, 0, 0, 0, 0, 0xff]);
    const items = ['a', '0', '127', '128', '-4096', '4095', '32767', '-8388608', '2147483647', '9223372036854775807', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(5000), '', '01'];
    const b = encodeListpack(items);
    assert.equal(b.readUInt32LE(0), b.length);
    assert.equal(b.readUInt16LE(4), items.length);
    assert.deepEqual(decodeListpack(b), items);
    // 7-bit unsigned: one byte plus a one-byte backlen.
    assert.deepEqual([...encodeListpack(['5'])], [9, 0, 0, 0, 1, 0, 5, 1, 0xff]);
  });

  it('intsets pick the narrowest width holding every member', () => {
    const b = encodeIntset([1, 2, 3]);
    assert.equal(b.readUInt32LE(0), 2);
    assert.equal(b.readUInt32LE(4), 3);
    assert.equal(encodeIntset([-70000, 1]).readUInt32LE(0), 4);
    assert.equal(encodeIntset([1, 2n ** 40n]).readUInt32LE(0), 8);
    assert.deepEqual(decodeIntset(encodeIntset([-5, 2n ** 62n])), ['-5', String(2n ** 62n)]);
  });
});

describe('RDB files', () => {
  it('a written file loads back with values and expiries, and a flipped bit is caught by the checksum', () => {
    const src = new Server({ log: null, config: { save: '' } });
    src.freezeTime();
    src.dbs[0].set('s', 'hello');
    src.dbs[0].set('l', ListValue.fromArray(['a', 'b', '3']));
    const h = new HashValue();
    h.set('f', 'v', { entries: 128, value: 64 });
    src.dbs[2].set('h', h);
    src.dbs[2].setExpire('h', Date.now() + 100000);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdb-unit-')), 'x.rdb');
    const fd = fs.openSync(file, 'w');
    writeAllDbs(new RdbFileWriter(fd, { compress: true, listFill: -2, checksum: true }), src.dbs, 1000, 1);
    fs.closeSync(fd);
    const buf = fs.readFileSync(file);
    assert.equal(buf.toString('latin1', 0, 9), 'REDIS0010');
    const dst = new Server({ log: null, config: { save: '' } });
    const res = loadRdb(buf, dst.dbs, { limits: DEFAULT_LIMITS, checksum: true, now: Date.now() });
    assert.equal(res.keysLoaded, 3);
    assert.equal(res.aux.get('redis-ver'), '7.0.15');
    assert.equal(res.aux.get('redis-bits'), '64');
    assert.equal(dst.dbs[0].peek('s'), 'hello');
    assert.deepEqual((dst.dbs[0].peek('l') as ListValue).toArray(), ['a', 'b', '3']);
    assert.equal((dst.dbs[2].peek('h') as HashValue).get('f'), 'v');
    assert.equal(dst.dbs[2].getExpire('h'), src.dbs[2].getExpire('h'));
    const bad = Buffer.from(buf);
    bad[20] ^= 1;
    assert.throws(() => loadRdb(bad, new Server({ log: null, config: { save: '' } }).dbs, { limits: DEFAULT_LIMITS, checksum: true, now: null }), RdbLoadError);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('refuses files from a newer RDB version', () => {
    const s = new Server({ log: null, config: { save: '' } });
    assert.throws(() => loadRdb(Buffer.from('REDIS0011\xff', 'latin1'), s.dbs, { limits: DEFAULT_LIMITS, checksum: true, now: null }), /Can't handle RDB format version 0011/);
  });

  it('an AOF base with an RDB preamble: keys load (even past their TTL) and the offset of the command tail is returned', () => {
    const src = new Server({ log: null, config: { save: '' } });
    src.dbs[0].set('k', 'v');
    src.dbs[0].setExpire('k', 1000);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdb-unit-')), 'base.rdb');
    const fd = fs.openSync(file, 'w');
    writeAllDbs(new RdbFileWriter(fd, { compress: true, listFill: -2, checksum: true, aofBase: true }), src.dbs, 0, 1);
    fs.closeSync(fd);
    const rdb = fs.readFileSync(file);
    const tail = Buffer.from('*1\r\n$4\r\nPING\r\n');
    const dst = new Server({ log: null, config: { save: '' } });
    assert.equal(loadAofPreamble(dst, Buffer.concat([rdb, tail])), rdb.length);
    assert.equal(dst.dbs[0].dict.get('k'), 'v');
    assert.equal(dst.dbs[0].getExpire('k'), 1000);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
