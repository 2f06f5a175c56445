/**
 * The stock Redis tools against an in-process respite: redis-cli single
 * commands, `redis-cli --pipe` mass insertion and a redis-benchmark smoke run.
 * Skipped when the tools are not installed (never under CI).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '../../src/index.js';

const run = promisify(execFile);

function toolsSkip(): string | false {
  const ok = spawnSync('redis-cli', ['--version']).status === 0 && spawnSync('redis-benchmark', ['--version']).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error('CI=true but redis-cli / redis-benchmark are missing (apt-get install redis-tools)');
  return ok ? false : 'redis-cli / redis-benchmark not installed';
}

describe('e2e: redis-cli and redis-benchmark', { skip: toolsSkip() }, () => {
  let srv: RunningServer;
  const cli = async (...args: string[]): Promise<string> => (await run('redis-cli', ['-h', srv.host, '-p', String(srv.port), ...args])).stdout;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  it('single commands print as with Redis', async () => {
    assert.equal(await cli('PING'), 'PONG\n');
    assert.equal(await cli('SET', 'k', 'hello world'), 'OK\n');
    assert.equal(await cli('GET', 'k'), 'hello world\n');
    assert.equal(await cli('--no-raw', 'GET', 'k'), '"hello world"\n');
    assert.equal(await cli('--no-raw', 'GET', 'nokey'), '(nil)\n');
    assert.equal(await cli('ECHO', 'a\nb'), 'a\nb\n');
    assert.equal(await cli('--no-raw', 'NOSUCH'), "(error) ERR unknown command 'NOSUCH', with args beginning with: \n");
    assert.equal(await cli('DBSIZE'), '1\n');
    assert.equal(await cli('-3', 'PING'), 'PONG\n');
  });

  it('redis-cli --pipe mass insertion of 10k SETs, then DBSIZE', async () => {
    await cli('FLUSHALL');
    let input = '';
    for (let i = 0; i < 10000; i++) {
      const k = `mass:${i}`;
      const v = `value:${i}`;
      input += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
    }
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('redis-cli', ['-h', srv.host, '-p', String(srv.port), '--pipe']);
      let s = '';
      p.stdout.on('data', (d: Buffer) => (s += d.toString()));
      p.stderr.on('data', (d: Buffer) => (s += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`exit ${code}: ${s}`))));
      p.stdin.end(input);
    });
    assert.match(out, /errors: 0, replies: 10000/);
    assert.equal(await cli('DBSIZE'), '10000\n');
    assert.equal(await cli('GET', 'mass:9999'), 'value:9999\n');
  });

  it('redis-benchmark -t set,get runs to completion', async () => {
    const { stdout } = await run('redis-benchmark', ['-h', srv.host, '-p', String(srv.port), '-t', 'set,get', '-n', '2000', '-c', '10', '-q', '--csv']);
    const rows = stdout.split('\n').filter((l) => /^"(SET|GET)"/.test(l));
    assert.equal(rows.length, 2, stdout);
    for (const row of rows) assert.ok(Number(row.split(',')[1].replace(/"/g, '')) > 0, row);
  });

  it('redis-benchmark with pipelining -P 16', async () => {
    const { stdout } = await run('redis-benchmark', ['-h', srv.host, '-p', String(srv.port), '-t', 'set,get', '-n', '20000', '-P', '16', '-q', '--csv']);
    assert.equal(stdout.split('\n').filter((l) => /^"(SET|GET)"/.test(l)).length, 2, stdout);
  });
});
