#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import { endOnClientExit, endWithOneLineOnUncaughtError, main } from '../dist/cli/loom.js';
endOnClientExit();
endWithOneLineOnUncaughtError('loom');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
