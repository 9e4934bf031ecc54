// Which build of the CLI the shims load: the bundle (dist/bundle/cli/loom.js, written by
// scripts/bundle-entry-points.mjs after tsc; it starts faster) when present and not older than
// tsc's dist/cli/loom.js it was made from, else tsc's output (e.g. after a bare `tsc` rebuild).
import { statSync } from 'node:fs';
import module from 'node:module';

// V8's compile cache (Node.js >= 22.1); Node.js 20 has none, and this does nothing there.
module.enableCompileCache?.();

const bundled = new URL('../dist/bundle/cli/loom.js', import.meta.url);
const compiled = new URL('../dist/cli/loom.js', import.meta.url);

function bundleIsFresh() {
  try {
    return statSync(bundled).mtimeMs >= statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
}

export const cliModule = (bundleIsFresh() ? bundled : compiled).href;
