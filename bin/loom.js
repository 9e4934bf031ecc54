#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import { endOnClientExit, main } from '../dist/client/cli/loom.js';
endOnClientExit();
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
