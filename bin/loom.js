#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (the prepare script); see cli-module.js.
import { cliModule } from './cli-module.js';

const { endOnClientExit, endWithOneLineOnUncaughtError, main } = await import(cliModule);
endOnClientExit();
endWithOneLineOnUncaughtError('loom');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
