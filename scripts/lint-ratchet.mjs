// ESLint in `npm test`, as a ratchet: a file may have no more findings than lint-baseline.json
// grants it (files not listed: none). The baseline only shrinks: `--update` rewrites it and
// refuses to grant a file more than before. Prettier must pass everywhere.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ESLint } from 'eslint';

const root = new URL('..', import.meta.url).pathname;
const baselinePath = new URL('../lint-baseline.json', import.meta.url);
const baseline = JSON.parse(readFileSync(baselinePath, 'utf8'));
const results = await new ESLint({ cwd: root }).lintFiles(['.']);
const counts = {};
for (const r of results) if (r.messages.length) counts[relative(root, r.filePath)] = r.messages.length;

const over = Object.entries(counts).filter(([file, n]) => n > (baseline.files[file] ?? 0));
if (over.length) {
  const formatter = await new ESLint({ cwd: root }).loadFormatter('stylish');
  const overFiles = new Set(over.map(([f]) => f));
  console.error(formatter.format(results.filter((r) => overFiles.has(relative(root, r.filePath)))));
  for (const [file, n] of over)
    console.error(`lint: ${file} has ${n} findings, lint-baseline.json allows ${baseline.files[file] ?? 0}; fix them (npx eslint ${file})`);
  process.exit(1);
}
const total = Object.values(counts).reduce((a, b) => a + b, 0);
if (process.argv.includes('--update')) {
  writeFileSync(
    baselinePath,
    JSON.stringify({ note: baseline.note, files: Object.fromEntries(Object.entries(counts).sort()) }, null, 2) + '\n',
  );
}
console.log(`lint: no new ESLint findings; ${total} old ones left in ${Object.keys(counts).length} files (lint-baseline.json)`);
