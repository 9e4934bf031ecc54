#!/usr/bin/env node
// Thin shim: `yarn-session` is `loom yarn-session`.
import { endQuietlyOnClosedPipe, main } from '../dist/client/cli/loom.js';
endQuietlyOnClosedPipe();
main(['yarn-session', ...process.argv.slice(2)]).then((code) => { process.exitCode = code; });
