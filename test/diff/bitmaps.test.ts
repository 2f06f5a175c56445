import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

const I64MAX = '9223372036854775807';
const I64MIN = '-9223372036854775808';

describe('differential: bitmap commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p = env.pair;
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  async function sameAll(cmds: string[][]): Promise<void> {
    for (const c of cmds) await p.same(...c);
  }

  it('SETBIT / GETBIT: growth, old values, encodings, TTL kept', async () => {
    await sameAll([
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '100', '0'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['GETBIT', 'k', '7'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '1000000'],
      ['GETBIT', 'missing', '3'],
      ['SET', 'n', '12'],
      ['GETBIT', 'n', '2'],
      ['GETBIT', 'n', '3'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETBIT', 'n', '0', '0'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['SET', 'e', 'short'],
      ['SETBIT', 'e', '1', '1'], // unchanged bit: still unshared to "raw"
      ['OBJECT', 'ENCODING', 'e'],
      ['SET', 't', 'x', 'EX', '1000'],
      ['SETBIT', 't', '9', '1'],
      ['TTL', 't'],
      ['SETBIT', 'big', String(8 * 1024 * 1024 - 1), '1'],
      ['STRLEN', 'big'],
      ['BITCOUNT', 'big'],
    ]);
  });

  it('SETBIT / GETBIT errors', async () => {
    await p.same('RPUSH', 'l', 'a');
    await sameAll([
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', '4294967296', '1'],
      ['SETBIT', 'k', '4294967295x', '1'],
      ['SETBIT', 'k', '', '1'],
      ['SETBIT', 'k', '1', '2'],
      ['SETBIT', 'k', '1', '-1'],
      ['SETBIT', 'k', '1', 'x'],
      ['SETBIT', 'k', 'x', 'x'],
      ['SETBIT', 'l', '1', '1'],
      ['GETBIT', 'l', '1'],
      ['GETBIT', 'l', 'x'],
      ['GETBIT', 'k', '-1'],
      ['GETBIT', 'k', '4294967296'],
      ['GETBIT', 'k', '4294967295'],
      ['SETBIT', 'k'],
      ['GETBIT', 'k'],
      ['EXISTS', 'k'],
    ]);
  });

  it('bit offsets are checked against proto-max-bulk-len', async () => {
    await p.same('CONFIG', 'SET', 'proto-max-bulk-len', '1048576');
    await sameAll([
      ['GETBIT', 'k', String(8 * 1048576 - 1)],
      ['GETBIT', 'k', String(8 * 1048576)],
      ['SETBIT', 'k', String(8 * 1048576), '1'],
      ['BITFIELD', 'k', 'GET', 'u8', String(8 * 1048576)],
      ['BITFIELD', 'k', 'GET', 'u8', '#1048576'],
      ['BITFIELD', 'k', 'GET', 'u8', '#1048575'],
    ]);
    await p.same('CONFIG', 'SET', 'proto-max-bulk-len', '536870912');
  });

  it('BITCOUNT: ranges, BYTE/BIT, negative indexes, errors', async () => {
    await p.same('SET', 's', 'foobar\x00\xff\x81');
    await p.same('RPUSH', 'l', 'a');
    const ranges = [['0', '0'], ['1', '1'], ['0', '-1'], ['-3', '-1'], ['-200', '-100'], ['-100', '-200'], ['5', '2'], ['2', '100'], ['-1', '-1'], [I64MIN, I64MAX], [I64MAX, I64MIN]];
    for (const [a, b] of ranges) {
      await p.same('BITCOUNT', 's', a, b);
      await p.same('BITCOUNT', 's', a, b, 'BYTE');
      await p.same('BITCOUNT', 's', a, b, 'bit');
    }
    for (const [a, b] of [['5', '30'], ['1', '6'], ['3', '3'], ['7', '8'], ['-9', '-2'], ['9', '70']]) await p.same('BITCOUNT', 's', a, b, 'BIT');
    await sameAll([
      ['BITCOUNT', 's'],
      ['BITCOUNT', 's', '1'],
      ['BITCOUNT', 's', '0', '-1', 'foo'],
      ['BITCOUNT', 's', '-1', '-6', 'foo'], // empty negative range answered before the unit is read
      ['BITCOUNT', 's', 'a', 'b'],
      ['BITCOUNT', 's', '0', 'b'],
      ['BITCOUNT', 's', '0', '-1', 'bit', 'extra'],
      ['BITCOUNT', 'missing', 'a', 'b', 'c', 'd'],
      ['BITCOUNT', 'missing'],
      ['BITCOUNT', 'l'],
      ['BITCOUNT', 'l', 'x'],
      ['SET', 'e', ''],
      ['BITCOUNT', 'e'],
      ['BITCOUNT', 'e', '0', '-1', 'BIT'],
      ['SET', 'n', '-12345'],
      ['BITCOUNT', 'n'],
      ['BITCOUNT', 'n', '1', '2'],
    ]);
  });

  it('BITPOS: set and clear bits, ranges, the end-given quirk', async () => {
    await p.same('SET', 's', '\x00\x0f\xf0\xff');
    await p.same('SET', 'ones', '\xff\xff\xff');
    await p.same('SET', 'zeros', '\x00\x00');
    await p.same('SET', 'e', '');
    for (const key of ['s', 'ones', 'zeros', 'e', 'missing']) {
      for (const bit of ['0', '1']) {
        await p.same('BITPOS', key, bit);
        for (const start of ['0', '1', '-1', '-200', '3', '100']) {
          await p.same('BITPOS', key, bit, start);
          for (const end of ['0', '1', '-1', '-2', '-100', '2', '200']) {
            await p.same('BITPOS', key, bit, start, end);
            await p.same('BITPOS', key, bit, start, end, 'BYTE');
            await p.same('BITPOS', key, bit, start, end, 'BIT');
          }
        }
        for (const [a, b] of [['5', '13'], ['4', '11'], ['12', '19'], ['0', '7'], ['15', '15'], ['25', '-1'], ['-9', '-3']]) await p.same('BITPOS', key, bit, a, b, 'bit');
      }
    }
  });

  it('BITPOS errors', async () => {
    await p.same('SET', 's', 'foo');
    await p.same('RPUSH', 'l', 'a');
    await sameAll([
      ['BITPOS', 's', '2'],
      ['BITPOS', 's', '-1'],
      ['BITPOS', 's', 'x'],
      ['BITPOS', 'missing', '1', 'x'],
      ['BITPOS', 'missing', '2', 'x'],
      ['BITPOS', 's', '1', 'x'],
      ['BITPOS', 's', '1', '0', 'x'],
      ['BITPOS', 's', '1', '0', '-1', 'foo'],
      ['BITPOS', 's', '1', '0', 'x', 'foo'],
      ['BITPOS', 's', '1', 'x', '1', 'foo'],
      ['BITPOS', 's', '1', '0', '-1', 'bit', 'extra'],
      ['BITPOS', 'l', '1'],
      ['BITPOS', 'l', '2'],
      ['BITPOS', 's'],
    ]);
  });

  it('BITOP: AND OR XOR NOT, missing keys, lengths, empty result deletes', async () => {
    await sameAll([
      ['SET', 'a', 'foobar'],
      ['SET', 'b', 'abc\xff'],
      ['SET', 'c', '\x00\x01'],
      ['BITOP', 'AND', 'd', 'a', 'b', 'c'],
      ['GET', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['BITOP', 'or', 'd', 'a', 'b', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'Xor', 'd', 'a', 'b', 'c', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'a', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'missing'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'x', 'EX', '100'],
      ['BITOP', 'OR', 'd', 'c'],
      ['TTL', 'd'],
      ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'm1', 'm2'],
      ['EXISTS', 'd'],
      ['BITOP', 'AND', 'd', 'm1', 'm2'],
      ['SET', 'n', '12'],
      ['BITOP', 'OR', 'd2', 'n'],
      ['OBJECT', 'ENCODING', 'd2'],
      ['BITOP', 'AND', 'a', 'a', 'b'],
      ['GET', 'a'],
      ['RPUSH', 'l', 'x'],
      ['BITOP', 'OR', 'l', 'a'],
      ['TYPE', 'l'],
    ]);
  });

  it('BITOP errors', async () => {
    await p.same('RPUSH', 'l', 'x');
    await p.same('SET', 'a', 'x');
    await sameAll([
      ['BITOP', 'NAND', 'd', 'a'],
      ['BITOP', 'AN', 'd', 'a'],
      ['BITOP', 'ANDx', 'd', 'a'],
      ['BITOP', 'NOT', 'd', 'a', 'a'],
      ['BITOP', 'NOT', 'd', 'l'],
      ['BITOP', 'AND', 'd', 'a', 'l'],
      ['BITOP', 'AND', 'd'],
      ['EXISTS', 'd'],
    ]);
  });

  it('BITFIELD: GET SET INCRBY with all overflow modes', async () => {
    await sameAll([
      ['BITFIELD', 'k'],
      ['BITFIELD', 'k', 'OVERFLOW', 'SAT'],
      ['BITFIELD', 'k', 'GET', 'u8', '0'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u8', '0', 'INCRBY', 'u8', '0', '10', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '10', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '10'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['BITFIELD', 'k', 'set', 'i8', '#1', '-128', 'get', 'i8', '#1', 'incrby', 'i8', '#1', '-1', 'overflow', 'sat', 'incrby', 'i8', '#1', '-1'],
      ['BITFIELD', 'k2', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '10'],
      ['GET', 'k2'],
      ['BITFIELD', 'k3', 'OVERFLOW', 'SAT', 'SET', 'i63', '0', I64MIN],
      ['BITFIELD', 'k3', 'GET', 'i63', '0'],
      ['BITFIELD', 'k3', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1'],
      ['BITFIELD', 'k3', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '-1'],
      ['BITFIELD', 'k3', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '-1'],
      ['BITFIELD', 'k3', 'SET', 'i64', '0', I64MAX, 'INCRBY', 'i64', '0', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', I64MAX, 'INCRBY', 'i64', '0', I64MIN, 'INCRBY', 'i64', '0', I64MIN],
      ['BITFIELD', 'k3', 'SET', 'u63', '0', I64MAX, 'INCRBY', 'u63', '0', '1', 'GET', 'u63', '0', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '0', I64MIN, 'INCRBY', 'u63', '0', I64MAX],
      ['BITFIELD', 'k3', 'OVERFLOW', 'FAIL', 'SET', 'i64', '3', I64MIN, 'INCRBY', 'i64', '3', '-1', 'INCRBY', 'i64', '3', I64MAX, 'GET', 'i64', '3'],
      ['BITFIELD', 'k4', 'SET', 'i5', '3', '-100', 'SET', 'u3', '13', '9', 'INCRBY', 'i17', '29', '-70000', 'GET', 'u1', '0', 'GET', 'i64', '0'],
      ['GET', 'k4'],
      ['SET', 'n', '12345'],
      ['BITFIELD', 'n', 'GET', 'u8', '0', 'GET', 'i16', '4', 'GET', 'u63', '7', 'GET', 'i64', '30'],
      ['OBJECT', 'ENCODING', 'n'],
      ['BITFIELD', 'n', 'SET', 'u8', '0', '1'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['BITFIELD', 'k5', 'GET', 'i64', '#1', 'GET', 'u1', '#9223372036854775807', 'GET', 'u2', '#4611686018427387904'],
      ['SET', 't', 'abc', 'EX', '100000'],
      ['BITFIELD', 't', 'INCRBY', 'u4', '100', '1'],
      ['TTL', 't'],
      ['GET', 't'],
    ]);
    for (const bits of ['1', '2', '7', '8', '9', '31', '32', '33', '53', '54', '63', '64']) {
      for (const v of ['0', '1', '-1', '100', '-100', I64MAX, I64MIN, '9007199254740993', '4294967296']) {
        for (const ow of ['WRAP', 'SAT', 'FAIL']) {
          await p.same('BITFIELD', 'f', 'OVERFLOW', ow, 'SET', `i${bits}`, '5', v, 'INCRBY', `i${bits}`, '5', v, 'GET', `i${bits}`, '5');
          if (bits !== '64') await p.same('BITFIELD', 'f', 'OVERFLOW', ow, 'SET', `u${bits}`, '#3', v, 'INCRBY', `u${bits}`, '#3', v, 'GET', `u${bits}`, '#3');
        }
      }
    }
    await p.same('GET', 'f');
  });

  it('BITFIELD and BITFIELD_RO errors', async () => {
    await p.same('RPUSH', 'l', 'x');
    await sameAll([
      ['BITFIELD', 'k', 'GET', 'u64', '0'],
      ['BITFIELD', 'k', 'GET', 'i65', '0'],
      ['BITFIELD', 'k', 'GET', 'i0', '0'],
      ['BITFIELD', 'k', 'GET', 'I8', '0'],
      ['BITFIELD', 'k', 'GET', 'x8', '0'],
      ['BITFIELD', 'k', 'GET', 'i', '0'],
      ['BITFIELD', 'k', 'GET', '', '0'],
      ['BITFIELD', 'k', 'GET', 'i8', '-1'],
      ['BITFIELD', 'k', 'GET', 'i8', '#-1'],
      ['BITFIELD', 'k', 'GET', 'i8', '#'],
      ['BITFIELD', 'k', 'GET', 'i8', '4294967296'],
      ['BITFIELD', 'k', 'GET', 'i8', '4294967288'],
      ['BITFIELD', 'k', 'GET', 'i8', '#536870912'],
      ['BITFIELD', 'k', 'GET', 'i8', '#536870911'],
      ['BITFIELD', 'k', 'GET', 'i8', '#2305843009213693952'],
      ['BITFIELD', 'k', 'SET', 'i8', '0'],
      ['BITFIELD', 'k', 'SET', 'i8', '0', 'x'],
      ['BITFIELD', 'k', 'INCRBY', 'i8', '0', '99999999999999999999'],
      ['BITFIELD', 'k', 'foo'],
      ['BITFIELD', 'k', 'GET'],
      ['BITFIELD', 'k', 'GET', 'i8'],
      ['BITFIELD', 'k', 'OVERFLOW'],
      ['BITFIELD', 'k', 'OVERFLOW', 'bad', 'GET', 'i8', '0'],
      ['BITFIELD', 'k', 'SET', 'i8', '0', '1', 'GET', 'u64', '0'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'l', 'GET', 'i8', '0'],
      ['BITFIELD', 'l', 'SET', 'i8', '0', '1'],
      ['BITFIELD', 'l'],
      ['BITFIELD_RO', 'k', 'GET', 'i8', '0', 'GET', 'u4', '3'],
      ['BITFIELD_RO', 'k', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 'k', 'GET', 'i8', '0', 'INCRBY', 'i8', '0', '1'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'i8', '0'],
      ['BITFIELD_RO', 'k', 'GET', 'i8', 'x', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 'k', 'SET', 'i8', '0', 'x'],
      ['BITFIELD_RO', 'l', 'GET', 'i8', '0'],
      ['BITFIELD_RO', 'l', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 'k'],
      ['EXISTS', 'k'],
    ]);
  });

  it('RESP3 replies (BITFIELD FAIL null, integers)', async () => {
    await p.both('HELLO', '3'); // carries the server version and client id
    await sameAll([
      ['SETBIT', 'k', '3', '1'],
      ['GETBIT', 'k', '3'],
      ['BITCOUNT', 'k'],
      ['BITPOS', 'k', '1'],
      ['BITOP', 'NOT', 'd', 'k'],
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '10', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0'],
      ['BITFIELD', 'k'],
      ['BITFIELD', 'k', 'GET', 'u64', '0'],
    ]);
    await p.both('HELLO', '2');
  });
});
