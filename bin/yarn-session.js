#!/usr/bin/env node
// Thin shim: `yarn-session` is `loom yarn-session`.
import { main } from '../dist/client/cli/loom.js';
main(['yarn-session', ...process.argv.slice(2)]).then((code) => { process.exitCode = code; });
