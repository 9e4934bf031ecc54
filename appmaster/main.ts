/**
 * The ApplicationMaster process (dist/appmaster/main.js), started by the NodeManager through
 * launch_container.sh with stdout/stderr redirected into the container's log dir.
 */
import { startApplicationMaster } from './cluster-entrypoint.js';
import { amLogger } from './startup/am-process.js';

startApplicationMaster().catch((err: unknown) => {
  // Before the RM could be told (or after telling it): the stderr tail reaches YARN's diagnostics.
  // Lines held for the configuration are written now, with the defaults when it was never read.
  amLogger.configure({});
  amLogger.error('the ApplicationMaster failed', err);
  process.stderr.write(`Loom ApplicationMaster failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
