// `npm test`: build if needed, then run every test file with node's test runner.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensureBuilt();

function collect(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...collect(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const filter = process.argv.slice(2);
// Map test/**/x.test.ts to its compiled dist/test/**/x.test.js (stale outputs of deleted tests are ignored).
let files = collect(path.join(root, 'test')).map((f) => path.join(root, 'dist', path.relative(root, f)).replace(/\.ts$/, '.js'));
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
