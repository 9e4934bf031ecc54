// Runs every compiled benchmark (dist/bench/*.js) one after the other; each prints its own
// figures next to a baseline measured in the same run. `npm run bench [-- name-filter]`.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, 'dist', 'bench');
const filter = process.argv[2] ?? '';
let files;
try {
  files = readdirSync(dir)
    .filter((f) => f.endsWith('.js') && f.includes(filter))
    .sort();
} catch {
  console.error(`No compiled benchmarks in ${dir}: run "npm run build" first.`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f.replace(/\.js$/, '')} ===`);
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
