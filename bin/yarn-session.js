#!/usr/bin/env node
// Thin shim: `yarn-session` is `loom yarn-session` (its --verbose, anywhere, is loom's global one).
import { cliModule } from './cli-module.js';

const { endOnClientExit, endWithOneLineOnUncaughtError, main, VERBOSE_FLAG } = await import(cliModule);
endOnClientExit('yarn-session');
endWithOneLineOnUncaughtError('yarn-session');
const args = process.argv.slice(2);
const verbose = args.includes(VERBOSE_FLAG) ? [VERBOSE_FLAG] : [];
main([...verbose, 'yarn-session', ...args.filter((a) => a !== VERBOSE_FLAG)]).then((code) => {
  process.exitCode = code;
});
