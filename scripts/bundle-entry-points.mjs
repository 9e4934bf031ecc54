#!/usr/bin/env node
// Bundles each Loom process's entry point with esbuild into dist/bundle/ (after tsc, from dist/):
// one file per entry point plus lazily loaded chunks, so a process start resolves and reads a few
// files instead of hundreds of modules (node_modules included):
//
//   dist/bundle/cli/loom.js                     the `loom` CLI (bin/loom.js uses it when present);
//                                               each command's code stays a chunk loaded on use
//   dist/bundle/appmaster/main.js               the ApplicationMaster
//   dist/bundle/appmaster/program-worker.js     application mode's program thread (next to main.js: it is found relative to it)
//   dist/bundle/taskexecutor/main.js            the TaskExecutor
//   dist/bundle/taskexecutor/task-worker.js     a task slot's thread
//   dist/bundle/archive-entry-points/{appmaster,taskexecutor}/main.js
//                                               small modules importing the bundles; the runtime archive ships them
//                                               under the launch commands' paths (dist/appmaster/main.js, ...)
//
// Each bundle sits as deep under dist/ as its source module did under dist/ (dist/appmaster/startup/x.js
// and dist/bundle/appmaster/main.js both reach package.json as ../../../package.json).
// Usage: node scripts/bundle-entry-points.mjs   (npm run build and prepare run it after tsc)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // esbuild is a devDependency: an install without it keeps tsc's dist/, which works, only slower to start.
  console.warn('bundle-entry-points: esbuild is not installed; no bundles, the processes load dist/ as tsc wrote it');
  process.exit(0);
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

/**
 * protobufjs finds its optional modules with an eval'd `require` (@protobufjs/inquire) that no
 * bundler sees: without this its 64-bit integers would lose `long` in a bundle. Written as static
 * requires of the two modules it asks for, so esbuild includes them.
 */
const staticInquire = {
  name: 'static-inquire',
  setup(b) {
    b.onLoad({ filter: /[\\/]@protobufjs[\\/]inquire[\\/]index\.js$/ }, () => ({
      contents:
        "module.exports = function inquire(name) { if (name === 'long') return require('long'); if (name === 'buffer') return require('buffer'); return null; };",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: OUT,
  // CommonJS dependencies (gRPC, protobufjs) require Node's built-in modules: give the ES module a require.
  banner: {
    js: "import { createRequire as __loomCreateRequire } from 'node:module'; const require = __loomCreateRequire(import.meta.url);",
  },
  plugins: [staticInquire],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: ROOT,
};

rmSync(OUT, { recursive: true, force: true });
const cli = await build({
  ...common,
  entryPoints: { 'cli/loom': join(DIST, 'cli', 'loom.js') },
  chunkNames: 'cli/chunks/[name]-[hash]',
});
const runtime = await build({
  ...common,
  entryPoints: {
    'appmaster/main': join(DIST, 'appmaster', 'main.js'),
    'appmaster/program-worker': join(DIST, 'appmaster', 'modes', 'program-worker.js'),
    'taskexecutor/main': join(DIST, 'taskexecutor', 'main.js'),
    'taskexecutor/task-worker': join(DIST, 'taskexecutor', 'task-worker.js'),
  },
  chunkNames: 'runtime-chunks/[name]-[hash]',
});
for (const entry of ['appmaster', 'taskexecutor']) {
  const shim = join(OUT, 'archive-entry-points', entry, 'main.js');
  mkdirSync(dirname(shim), { recursive: true });
  // V8's compile cache where Node.js has it (22.1 and later; Node.js 20 has none), as bin/cli-module.js does for the CLI.
  writeFileSync(shim, `import module from 'node:module';\nmodule.enableCompileCache?.();\nawait import('../bundle/${entry}/main.js');\n`);
}
// Which inputs went into which output file: test/cli/lazy-command-loading.test.ts reads it.
writeFileSync(join(OUT, 'meta.json'), JSON.stringify({ cli: cli.metafile, runtime: runtime.metafile }));
