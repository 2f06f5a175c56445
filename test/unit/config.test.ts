import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadCommandLine } from '../../src/cli.js';
import { Config } from '../../src/config/config.js';
import { DIRECTIVES, DIRECTIVE_BY_NAME } from '../../src/config/directives.js';
import { applyConfigText, argsToConfigText, ConfigFileError } from '../../src/config/file.js';
import { rewriteConfigText } from '../../src/config/rewrite.js';
import { normalizeEvents, parseMemory } from '../../src/config/values.js';

/*
 * Expected values below were read from redis-server 7.0.15 (CONFIG SET /
 * CONFIG GET replies and its fatal config-file errors).
 */

function setError(cfg: Config, ...args: string[]): string | null {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i += 2) pairs.push([args[i], args[i + 1]]);
  return cfg.setMany(pairs, false);
}

function fatal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, String(e));
    return e.message;
  }
  assert.fail('expected a config file error');
}

describe('directive table', () => {
  it('has the 192 names CONFIG GET * lists on Redis 7.0.15 (173 directives + 19 aliases)', () => {
    assert.equal(DIRECTIVES.length, 173);
    assert.equal(DIRECTIVE_BY_NAME.size, 192);
  });

  it("keeps Redis's compiled defaults except respite's safe bind", () => {
    const cfg = new Config();
    assert.equal(cfg.get('save'), '3600 1 300 100 60 10000');
    assert.equal(cfg.get('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    assert.equal(cfg.get('oom-score-adj-values'), '0 200 800');
    assert.equal(cfg.get('bind'), '127.0.0.1 -::1');
    assert.equal(cfg.get('protected-mode'), 'yes');
    assert.equal(cfg.get('dir'), process.cwd());
    assert.equal(cfg.get('slaveof'), '');
    assert.equal(cfg.get('lua-time-limit'), '5000');
    assert.equal(cfg.int('proto-max-bulk-len'), 536870912);
  });

  it('aliases read and write the same value', () => {
    const cfg = new Config({ 'hash-max-ziplist-entries': 100 });
    assert.equal(cfg.get('hash-max-listpack-entries'), '100');
    cfg.set('slave-priority', '5');
    assert.equal(cfg.get('replica-priority'), '5');
  });
});

describe('value parsing', () => {
  it('memory units: k=1000, kb=1024, any case, saturating and empty as 0', () => {
    assert.equal(parseMemory('1k'), 1000n);
    assert.equal(parseMemory('1kB'), 1024n);
    assert.equal(parseMemory('1GB'), 1073741824n);
    assert.equal(parseMemory('007k'), 7000n);
    assert.equal(parseMemory(''), 0n);
    assert.equal(parseMemory('99999999999999999999'), 18446744073709551615n);
    for (const bad of ['+5', '-1', '1.5gb', '1 gb', '2tb', '0x10']) assert.equal(parseMemory(bad), null, bad);
  });

  it('ints follow string2ll and the ranges Redis reports', () => {
    const cfg = new Config();
    for (const bad of ['+5', ' 5', '5k', '007', '0x10', '-0', 'abc']) {
      assert.equal(setError(cfg, 'timeout', bad), "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer");
    }
    assert.equal(setError(cfg, 'maxclients', '0'), "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive");
    assert.equal(setError(cfg, 'slowlog-log-slower-than', '-2'), "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive");
    assert.equal(setError(cfg, 'client-query-buffer-limit', '99999999999999999999'), "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be between 1048576 and 9223372036854775807 inclusive");
  });

  it('bools and enums are case-insensitive and shown in lowercase', () => {
    const cfg = new Config();
    assert.equal(setError(cfg, 'activerehashing', 'YES', 'appendfsync', 'EverySec'), null);
    assert.equal(cfg.get('activerehashing'), 'yes');
    assert.equal(cfg.get('appendfsync'), 'everysec');
    assert.equal(setError(cfg, 'loglevel', 'nothing'), "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning");
  });

  it('maxmemory-clients takes a memory value or a percentage', () => {
    const cfg = new Config();
    cfg.set('maxmemory-clients', '10%');
    assert.equal(cfg.get('maxmemory-clients'), '10%');
    cfg.set('maxmemory-clients', '0%');
    assert.equal(cfg.get('maxmemory-clients'), '0');
    assert.equal(setError(cfg, 'maxmemory-clients', '200%'), "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100");
    assert.equal(setError(cfg, 'maxmemory-clients', '1.5%'), "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value");
  });

  it('notify-keyspace-events flags are normalised', () => {
    assert.equal(normalizeEvents('KEA'), 'AKE');
    assert.equal(normalizeEvents('Elg'), 'glE');
    assert.equal(normalizeEvents('Kmdnt'), 'tdnKm');
    assert.equal(normalizeEvents('$szhlx'), '$lshzx');
    // Redis shows "A" for these but keeps new-key events enabled.
    assert.equal(normalizeEvents('An'), 'An');
    assert.equal(normalizeEvents('$szhlxetdgn'), 'An');
    assert.equal(normalizeEvents('nA'), 'An');
    const cfg = new Config({ 'notify-keyspace-events': 'AnK' });
    assert.equal(cfg.display('notify-keyspace-events'), 'AK');
    assert.equal(cfg.get('notify-keyspace-events'), 'AnK');
    assert.throws(() => normalizeEvents('abc'), /Invalid event class character\. Use 'Ag\$lshzxeKEtmdn'\./);
  });

  it('save, client-output-buffer-limit, oom-score-adj-values and percentiles', () => {
    const cfg = new Config();
    cfg.set('save', '100 10 20 30');
    assert.equal(cfg.get('save'), '100 10 20 30');
    for (const bad of ['100 10 20', 'abc 10', '0 0', '  ', '100 -1', '1k 2']) {
      assert.equal(setError(cfg, 'save', bad), "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", bad);
    }
    cfg.set('save', '');
    assert.equal(cfg.get('save'), '');
    cfg.set('client-output-buffer-limit', 'normal 1mb 2k 3');
    cfg.set('client-output-buffer-limit', 'replica 1 2 3 pubsub 4 5 6');
    assert.equal(cfg.get('client-output-buffer-limit'), 'normal 1048576 2000 3 slave 1 2 3 pubsub 4 5 6');
    assert.match(setError(cfg, 'client-output-buffer-limit', 'master 1 2 3')!, /Invalid client class specified in buffer limit configuration\.$/);
    assert.match(setError(cfg, 'client-output-buffer-limit', 'normal 1 2 -3')!, /Error in hard, soft or soft_seconds setting in buffer limit configuration\.$/);
    assert.match(setError(cfg, 'client-output-buffer-limit', 'normal 1 2')!, /Wrong number of arguments in buffer limit configuration\.$/);
    assert.match(setError(cfg, 'oom-score-adj-values', '1 2 3000')!, /Invalid oom-score-adj-values, elements must be between -2000 and 2000\.$/);
    assert.match(setError(cfg, 'oom-score-adj-values', '1 2')!, /- wrong number of arguments$/);
    cfg.set('latency-tracking-info-percentiles', '50 99.5 1e1');
    assert.equal(cfg.get('latency-tracking-info-percentiles'), '50 99.5 10');
  });
});

describe('CONFIG SET (all or nothing)', () => {
  it("checks names first, in order, with Redis's texts", () => {
    const cfg = new Config();
    assert.equal(setError(cfg, 'foo', 'bar', 'timeout', '1'), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    assert.equal(setError(cfg, 'timeout', 'abc', 'DATABASES', '3'), "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set immutable config");
    assert.equal(setError(cfg, 'dir', '/tmp'), "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
    assert.equal(setError(cfg, 'hz', '10', 'HZ', '11'), "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
    assert.equal(setError(cfg, 'MAXCLIENTS', 'abc'), "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer");
  });

  it('applies nothing when one value is bad', () => {
    const cfg = new Config();
    assert.notEqual(setError(cfg, 'timeout', '10', 'maxclients', 'abc'), null);
    assert.equal(cfg.get('timeout'), '0');
    assert.equal(setError(cfg, 'timeout', '10', 'maxclients', '50'), null);
    assert.equal(cfg.get('timeout'), '10');
    assert.equal(cfg.get('maxclients'), '50');
  });

  it('two aliases of one directive are not duplicates: the last wins', () => {
    const cfg = new Config();
    assert.equal(setError(cfg, 'hash-max-listpack-entries', '5', 'hash-max-ziplist-entries', '6'), null);
    assert.equal(cfg.get('hash-max-listpack-entries'), '6');
  });

  it('notifies watchers once values are applied', () => {
    const cfg = new Config();
    const seen: string[] = [];
    cfg.watch('timeout', (v) => seen.push(v));
    setError(cfg, 'timeout', '7');
    assert.deepEqual(seen, ['0', '7']);
  });
});

describe('config files and the command line', () => {
  it('turns options into text like redis-server (values quoted, one line each)', () => {
    assert.equal(argsToConfigText(['--port', '7309', '--maxclients', 'abc']).text, 'port "7309" \nmaxclients "abc" ');
    assert.equal(argsToConfigText(['--save', '--port', '1']).text, 'save ""\nport "1" ');
    assert.equal(argsToConfigText(['--port', '--5']).text, 'port "--5" ');
    assert.equal(argsToConfigText(['--port 7000']).text, 'port 7000 ');
  });

  it('reports the failing line as Redis does (options start after a blank line)', () => {
    const msg = fatal(() => loadCommandLine(['--port', '7309', '--maxclients', 'abc']));
    assert.equal(msg, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxclients \"abc\"'\nargument couldn't be parsed into an integer\n");
    assert.match(fatal(() => loadCommandLine(['--port', '7309', '--foo'])), /at line 3\n>>> 'foo'\nBad directive or wrong number of arguments\n$/);
    assert.match(fatal(() => loadCommandLine(['--port', '7309', '--maxclients', '10', '20'])), />>> 'maxclients "10" "20"'\nwrong number of arguments\n$/);
  });

  it('"-" reads stdin first or last (after the file, before the options), elsewhere it is a value', () => {
    // redis-server 7.0.15: stdin text follows the file's, options come after a newline.
    const msg = fatal(() => loadCommandLine(['--port', '0', '-'], () => 'timeout 1\nmaxclients abc\n'));
    assert.match(msg, /at line 2\n>>> 'maxclients abc'\n/);
    assert.equal(loadCommandLine(['-', '--port', '0'], () => 'timeout 3\n').config.get('timeout'), '3');
    assert.match(fatal(() => loadCommandLine(['--port', '0', '-', '--timeout', '1'])), />>> 'port "0" "-"'\nwrong number of arguments\n$/);
  });

  it('file errors: unknown directive, bad value, quotes, argument count, dir', () => {
    const cfg = new Config();
    assert.match(fatal(() => applyConfigText(cfg, 'port 7309\nfoo bar\n')), /at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'port 7309\nsave "a\n')), /Unbalanced quotes in configuration line\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'databases\n')), />>> 'databases'\nwrong number of arguments\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'dir /nonexistent\n')), /No such file or directory\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'unixsocketperm 999\n')), /argument couldn't be parsed as an octal number\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'unixsocketperm 01000\n')), /argument must be between 0 and 777 inclusive\n$/);
    assert.match(fatal(() => applyConfigText(cfg, 'replicaof a b\n')), /Invalid master port\n$/);
  });

  it('save lines add up; the first one replaces the default', () => {
    const cfg = new Config();
    applyConfigText(cfg, '# c\nsave 100 1\n  save 200 2  \n');
    assert.equal(cfg.get('save'), '100 1 200 2');
  });

  it('include reads another file (errors name the included line)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-cfg-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.conf'), 'timeout 5\nmaxclients abc\n');
      fs.writeFileSync(path.join(dir, 'b.conf'), 'timeout 9\n');
      const cfg = new Config();
      applyConfigText(cfg, `include ${path.join(dir, 'b.conf')}\n`);
      assert.equal(cfg.get('timeout'), '9');
      assert.match(fatal(() => applyConfigText(cfg, `# x\ninclude ${path.join(dir, 'a.conf')}\n`)), /at line 2\n>>> 'maxclients abc'\n/);
      const missing = fatal(() => applyConfigText(cfg, `include ${path.join(dir, 'none.conf')}\n`));
      assert.equal(missing, `Fatal error, can't open config file '${path.join(dir, 'none.conf')}': No such file or directory`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CONFIG REWRITE text', () => {
  it('updates lines in place, drops repeats, appends the rest under the signature', () => {
    const cfg = new Config();
    applyConfigText(cfg, '# my comment\nport 7309\nsave 100 1\nsave 200 2\nmaxmemory 1gb\ntimeout 5\nhash-max-ziplist-entries 100\ntimeout 7\n');
    cfg.setMany(
      [
        ['maxclients', '50'],
        ['notify-keyspace-events', 'KEA'],
        ['client-output-buffer-limit', 'normal 1mb 2mb 3'],
        ['maxmemory', '3gb'],
        ['timeout', '0'],
      ],
      false,
    );
    const text = rewriteConfigText(cfg, '# my comment\nport 7309\nsave 100 1\nsave 200 2\nmaxmemory 1gb\ntimeout 5\nhash-max-ziplist-entries 100\ntimeout 7\n');
    const lines = text.split('\n');
    // Same lines as redis-server 7.0.15 writes for this file (its appended part comes in another order).
    assert.deepEqual(lines.slice(0, 9), ['# my comment', 'port 7309', 'save 100 1', 'save 200 2', 'maxmemory 3gb', 'timeout 0', 'hash-max-listpack-entries 100', '', '# Generated by CONFIG REWRITE']);
    assert.deepEqual(lines.slice(9).filter(Boolean).sort(), ['client-output-buffer-limit normal 1mb 2mb 3', 'maxclients 50', 'notify-keyspace-events "AKE"']);
  });
});
