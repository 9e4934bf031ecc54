#!/usr/bin/env node
// Thin shim: `yarn-session` is `loom yarn-session`.
import { endOnClientExit, main } from '../dist/client/cli/loom.js';
endOnClientExit('yarn-session');
main(['yarn-session', ...process.argv.slice(2)]).then((code) => { process.exitCode = code; });
