/**
 * Config files and command-line options against redis-server: the same
 * arguments must produce the same fatal error text (or none). A trailing
 * unknown option makes both stop before redis-server would start serving,
 * so "accepted" shows up as an error on that last line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadCommandLine } from '../../src/cli.js';
import { oracleSkip } from '../support/oracle.js';

const BIN = process.env.REDIS_SERVER ?? 'redis-server';
const END = ['--zzz-end', 'x'];

function redisError(args: string[]): string {
  const r = spawnSync(BIN, args, { encoding: 'latin1', timeout: 10000 });
  assert.equal(r.status, 1, `redis-server ${args.join(' ')} should fail`);
  return r.stderr;
}

function ourError(args: string[]): string {
  try {
    loadCommandLine(args);
  } catch (e) {
    return (e as Error).message;
  }
  return '(accepted)';
}

describe('differential config file and command line errors', { skip: oracleSkip }, () => {
  it('option values: accepted or refused with the same text and line', () => {
    const cases: string[][] = [
      ['--maxclients', 'abc'],
      ['--maxclients', '0'],
      ['--databases', '0'],
      ['--io-threads', '200'],
      ['--unixsocketperm', '999'],
      ['--unixsocketperm', '01000'],
      ['--unixsocketperm', ''],
      ['--supervised', 'maybe'],
      ['--syslog-facility', 'local9'],
      ['--save', '100 1'],
      ['--save', '100', '1', '200', '2'],
      ['--save', '0 0'],
      ['--save'],
      ['--save', '--maxclients', 'abc'],
      ['--client-output-buffer-limit', ''],
      ['--client-output-buffer-limit', 'normal 1 2'],
      ['--client-output-buffer-limit', 'pubsub', '1mb', '2mb', '60'],
      ['--oom-score-adj-values', '1 2 3'],
      ['--oom-score-adj-values', '1', '2'],
      ['--latency-tracking-info-percentiles', '50 101'],
      ['--replicaof', 'host'],
      ['--replicaof', 'host', 'port'],
      ['--replicaof', 'no one'],
      ['--notify-keyspace-events', 'KEA'],
      ['--notify-keyspace-events', 'xyz'],
      ['--appendfilename', ''],
      ['--appendfilename', 'a/b'],
      ['--appenddirname', 'a/b'],
      ['--proc-title-template', '{title}'],
      ['--cluster-announce-hostname', 'a_b'],
      ['--maxmemory-clients', '200%'],
      ['--maxmemory', '1.5gb'],
      ['--loglevel', 'nothing'],
      ['--timeout', '1', '2'],
      ['--port'],
      ['--port 7000 --timeout abc'],
      ['--port', '--5'],
      ['--hash-max-ziplist-entries', 'x'],
      ['--bind', '127.0.0.1', '-::1'],
      ['--rename-command', 'a'],
      ['--include'],
    ];
    for (const c of cases) {
      const args = ['--port', '0', ...c, ...END];
      assert.equal(ourError(args), redisError(args), `respite ${args.join(' ')}`);
    }
  });

  it('file lines: quotes, comments, include and their line numbers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-cfgdiff-'));
    try {
      const inc = path.join(dir, 'inc.conf');
      fs.writeFileSync(inc, '# included\n  timeout 5  \nmaxclients abc\n');
      const files: string[] = [
        'port 0\nfoo bar\n',
        'port 0\nsave "a\n',
        "port 0\nrequirepass 'a b' c\n",
        'port 0\n\n# comment\n   \ndatabases\n',
        `port 0\ninclude ${inc}\n`,
        'port 0\nsave 100 1\nsave 200 2\nsave ""\nsave 5 5\nzzz-end x\n',
        'port 0\nslaveof a 1 2\n',
        'port 0\r\nmaxclients 5\r\nzzz-end x\r\n',
      ];
      files.forEach((text, i) => {
        const f = path.join(dir, `c${i}.conf`);
        fs.writeFileSync(f, text);
        assert.equal(ourError([f, ...END]), redisError([f, ...END]), JSON.stringify(text));
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
