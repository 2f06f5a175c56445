// Installs dependencies and compiles TypeScript when needed, so `npm start`
// and `npm test` work on a fresh clone with no other step.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt() {
  if (!fs.existsSync(path.join(root, 'node_modules', 'typescript'))) {
    console.error('respite: installing dependencies (first run)...');
    run('npm ci --ignore-scripts --no-audit --no-fund');
  }
  const stamp = path.join(root, 'dist', '.build-stamp');
  const srcTime = Math.max(...['src', 'test', 'bench', 'tools'].map((d) => newestMtime(path.join(root, d))), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
  const builtTime = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (srcTime > builtTime) {
    console.error('respite: compiling TypeScript...');
    run('npx tsc -p tsconfig.json');
    fs.writeFileSync(stamp, String(Date.now()));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
