// Records which modules a Node process loads: `node --import ./scripts/record-module-loads.mjs ...`
// with LOOM_RECORD_MODULES=<file>. Every ES module the process resolves is appended to the file as
// one line (`esm <url>`), and at exit one line per CommonJS module in require's cache
// (`cjs <path>`). For the lazy-loading test (test/cli/lazy-command-loading.test.ts) and
// bench/startup.ts's module counts; nothing in Loom loads it.
import { appendFileSync } from 'node:fs';
import module from 'node:module';

const file = process.env.LOOM_RECORD_MODULES;
if (file) {
  module.register(
    'data:text/javascript,' +
      encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const file = ${JSON.stringify(file)};
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (!r.url.startsWith('node:')) appendFileSync(file, 'esm ' + r.url + '\\n');
  return r;
}`),
  );
  process.on('exit', () => {
    const cache = module.createRequire(import.meta.url).cache;
    appendFileSync(
      file,
      Object.keys(cache)
        .map((p) => `cjs ${p}\n`)
        .join(''),
    );
  });
}
