/**
 * Request parser: RESP multibulk and inline requests as Redis 7.0 reads them
 * (networking.c processMultibulkBuffer / processInlineBuffer, sdssplitargs),
 * including its protocol error texts. The same inputs are checked against a
 * real redis-server in test/diff/protocol*.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, RequestParser, splitArgs } from '../../src/protocol/request-parser.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Feeds chunks and drains every complete command. */
function parse(chunks: (string | Buffer)[], setup?: (p: RequestParser) => void): string[][] {
  const p = new RequestParser();
  setup?.(p);
  const out: string[][] = [];
  for (const c of chunks) {
    p.feed(typeof c === 'string' ? b(c) : c);
    for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv);
  }
  return out;
}

/** The ProtocolError message raised while parsing, or null. */
function protoError(chunks: (string | Buffer)[], setup?: (p: RequestParser) => void): string | null {
  try {
    parse(chunks, setup);
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return e.message;
    throw e;
  }
}

function resp(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

describe('request parser: RESP multibulk', () => {
  it('parses one command and several in one chunk', () => {
    assert.deepEqual(parse([resp('SET', 'k', 'v')]), [['SET', 'k', 'v']]);
    assert.deepEqual(parse([resp('PING') + resp('ECHO', 'a b') + resp('GET', '')]), [['PING'], ['ECHO', 'a b'], ['GET', '']]);
  });

  it('gives the same commands when the input is split at every byte boundary', () => {
    const input = resp('SET', 'key', 'va\r\nlue') + resp('GET', 'key') + 'PING\r\n' + resp('ECHO', '');
    const whole = parse([input]);
    assert.equal(whole.length, 4);
    for (let i = 0; i <= input.length; i++) {
      assert.deepEqual(parse([input.slice(0, i), input.slice(i)]), whole, `split at ${i}`);
    }
    // And one byte per read.
    assert.deepEqual(parse([...input]), whole);
  });

  it('is binary safe: every byte value survives as one latin1 char', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const msg = Buffer.concat([b('*2\r\n$4\r\nECHO\r\n$256\r\n'), all, b('\r\n')]);
    const [argv] = parse([msg]);
    assert.equal(argv[1].length, 256);
    assert.deepEqual(Buffer.from(argv[1], 'latin1'), all);
  });

  it('reassembles a big argument spanning many reads', () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61);
    big[0] = 0x0d;
    big[big.length - 1] = 0x0a;
    const msg = Buffer.concat([b(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n`), big, b('\r\n'), b(resp('GET', 'k'))]);
    for (const size of [1000, 65536, 1 << 20]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < msg.length; i += size) chunks.push(msg.subarray(i, i + size));
      const cmds = parse(chunks);
      assert.equal(cmds.length, 2, `chunk size ${size}`);
      assert.equal(cmds[0][2].length, big.length);
      assert.ok(Buffer.from(cmds[0][2], 'latin1').equals(big));
      assert.deepEqual(cmds[1], ['GET', 'k']);
    }
  });

  it('skips empty multibulks (*0 and negative counts) like Redis', () => {
    // Redis treats a multibulk count <= 0 as an empty command and reads on.
    assert.deepEqual(parse(['*0\r\n*-1\r\n*-5\r\n' + resp('PING')]), [['PING']]);
  });

  it('does not check the two bytes after a bulk payload (Redis skips them)', () => {
    assert.deepEqual(parse(['*2\r\n$4\r\nECHO\r\n$1\r\nxAB' + resp('PING')]), [['ECHO', 'x'], ['PING']]);
  });

  it('waits for the end of a length line before deciding', () => {
    const p = new RequestParser();
    p.feed(b('*2\r\n$4'));
    assert.equal(p.next(), null);
    p.feed(b('\r'));
    assert.equal(p.next(), null);
    p.feed(b('\nECHO\r\n$2\r\nhi\r\n'));
    assert.deepEqual(p.next(), ['ECHO', 'hi']);
    assert.equal(p.next(), null);
  });

  it('reports pending bytes as the query buffer grows', () => {
    const p = new RequestParser();
    p.feed(b('*1\r\n$100000\r\n'));
    assert.equal(p.next(), null);
    p.feed(Buffer.alloc(50000, 0x78));
    assert.equal(p.next(), null);
    assert.ok(p.pendingBytes >= 50000, `pending ${p.pendingBytes}`);
  });
});

describe('request parser: protocol errors (Redis texts)', () => {
  it('invalid multibulk length', () => {
    assert.equal(protoError(['*abc\r\n']), 'Protocol error: invalid multibulk length');
    assert.equal(protoError(['*1x\r\n']), 'Protocol error: invalid multibulk length');
    assert.equal(protoError(['*+1\r\n']), 'Protocol error: invalid multibulk length');
    assert.equal(protoError(['*01\r\n']), 'Protocol error: invalid multibulk length');
    assert.equal(protoError(['*\r\n']), 'Protocol error: invalid multibulk length');
    // More than INT_MAX arguments.
    assert.equal(protoError(['*2147483648\r\n']), 'Protocol error: invalid multibulk length');
  });

  it("expected '$', got X", () => {
    assert.equal(protoError(['*3\r\n$3\r\nSET\r\n:1\r\n']), "Protocol error: expected '$', got ':'");
    assert.equal(protoError(['*1\r\nPING\r\n']), "Protocol error: expected '$', got 'P'");
    // CR and LF are printed as spaces (Redis maps them in formatted errors).
    assert.equal(protoError(['*2\r\n$3\r\nGET\r\n\n$1\r\nk\r\n']), "Protocol error: expected '$', got ' '");
  });

  it('a NUL before the CR of a length line means "not complete yet" (Redis uses strchr)', () => {
    assert.equal(protoError(['*2\r\n$\x004\r\nECHO\r\n']), null);
    assert.equal(protoError(['*\x001\r\n']), null);
    assert.equal(protoError(['*1\r\nP\x00\r\n']), null);
    assert.equal(protoError(['*1\r\n$\x00\r\n', 'x'.repeat(70 * 1024)]), 'Protocol error: too big bulk count string');
    // The '\n' after the '\r' must have arrived too before "expected '$'" is reported.
    assert.equal(protoError(['*1\r\nPING\r']), null);
  });

  it('invalid bulk length', () => {
    assert.equal(protoError(['*1\r\n$-1\r\n']), 'Protocol error: invalid bulk length');
    assert.equal(protoError(['*1\r\n$abc\r\n']), 'Protocol error: invalid bulk length');
    assert.equal(protoError(['*1\r\n$\r\n']), 'Protocol error: invalid bulk length');
    // proto-max-bulk-len defaults to 512MB.
    assert.equal(protoError(['*1\r\n$536870913\r\n']), 'Protocol error: invalid bulk length');
    assert.equal(protoError(['*1\r\n$2147483648\r\n']), 'Protocol error: invalid bulk length');
    assert.equal(protoError(['*1\r\n$11\r\n'], (p) => (p.maxBulkLen = 10)), 'Protocol error: invalid bulk length');
    assert.equal(protoError(['*1\r\n$10\r\n'], (p) => (p.maxBulkLen = 10)), null);
  });

  it('too big inline request / count strings past 64KB without a line end', () => {
    const blob = 'A'.repeat(64 * 1024 + 10);
    assert.equal(protoError([blob]), 'Protocol error: too big inline request');
    assert.equal(protoError(['*' + '1'.repeat(64 * 1024 + 10)]), 'Protocol error: too big mbulk count string');
    assert.equal(protoError(['*1\r\n$' + '1'.repeat(64 * 1024 + 10)]), 'Protocol error: too big bulk count string');
    // Just under the limit is still waiting for more input.
    assert.equal(protoError(['A'.repeat(60 * 1024)]), null);
  });

  it('unbalanced quotes in an inline request', () => {
    assert.equal(protoError(['SET "abc\r\n']), 'Protocol error: unbalanced quotes in request');
    assert.equal(protoError(["SET 'abc\r\n"]), 'Protocol error: unbalanced quotes in request');
    assert.equal(protoError(['SET "a"b\r\n']), 'Protocol error: unbalanced quotes in request');
  });

  it('unauthenticated clients: multibulk count > 10 and bulk length > 16384 are refused', () => {
    const unauth = (p: RequestParser): void => {
      p.authenticated = false;
    };
    assert.equal(protoError(['*11\r\n'], unauth), 'Protocol error: unauthenticated multibulk length');
    assert.equal(protoError(['*10\r\n'], unauth), null);
    assert.equal(protoError(['*1\r\n$16385\r\n'], unauth), 'Protocol error: unauthenticated bulk length');
    assert.equal(protoError(['*1\r\n$16384\r\n'], unauth), null);
  });
});

describe('request parser: inline commands', () => {
  it('splits on spaces and tabs, with or without \\r', () => {
    assert.deepEqual(parse(['SET a b\r\n', 'GET\ta\n', '  PING   \r\n']), [['SET', 'a', 'b'], ['GET', 'a'], ['PING']]);
  });

  it('skips empty and blank lines', () => {
    assert.deepEqual(parse(['\r\n\n   \r\nPING\r\n']), [['PING']]);
  });

  it('a NUL byte before the newline hides the line (Redis uses strchr) until 64KB', () => {
    assert.deepEqual(parse(['ab\x00cd\r\nPING\r\n']), []);
    assert.deepEqual(parse(['PING\r\nab\x00cd\r\nPING\r\n']), [['PING']]);
    assert.equal(protoError(['a\x00\r\n', 'PING\r\n'.repeat(12000)]), 'Protocol error: too big inline request');
  });

  it('handles an inline command split across reads', () => {
    assert.deepEqual(parse(['EC', 'HO "hel', 'lo"\r', '\n']), [['ECHO', 'hello']]);
  });
});

describe('splitArgs (sdssplitargs rules)', () => {
  it('plain words', () => {
    assert.deepEqual(splitArgs('a bb  ccc'), ['a', 'bb', 'ccc']);
    assert.deepEqual(splitArgs(''), []);
    assert.deepEqual(splitArgs('   '), []);
  });

  it('double quotes: C escapes and \\xHH', () => {
    assert.deepEqual(splitArgs('"a b" "\\n\\r\\t\\b\\a" "\\x41\\x7a" "\\"q\\"" "\\\\"'), ['a b', '\n\r\t\b\x07', 'Az', '"q"', '\\']);
    // An unknown escape yields the character itself; a bad \x sequence is literal x.
    assert.deepEqual(splitArgs('"\\q" "\\xZZ"'), ['q', 'xZZ']);
    assert.deepEqual(splitArgs('""'), ['']);
  });

  it('single quotes: only \\\' is an escape', () => {
    assert.deepEqual(splitArgs("'it\\'s' '\\n'"), ["it's", '\\n']);
    assert.deepEqual(splitArgs("''"), ['']);
  });

  it('quotes join with a preceding word but a closing quote must end the argument', () => {
    assert.deepEqual(splitArgs('ab"c d"'), ['abc d']);
    assert.equal(splitArgs('"a"b'), null);
    assert.equal(splitArgs("'a'b"), null);
    assert.equal(splitArgs('"abc'), null);
    assert.equal(splitArgs("'abc"), null);
  });
});
