import type { Command } from 'commander';
import { registerFsCommand } from './commands/fs.js';
import { registerYarnCommand } from './commands/yarn.js';
import { registerJobCommands } from './commands/run.js';
import { registerYarnSessionCommand } from './commands/yarn-session.js';
import { registerMiniClusterCommand } from './commands/minicluster.js';
import { registerUploadRuntimeCommand } from './commands/upload-runtime.js';
import { registerListClustersCommand } from './commands/list-clusters.js';

/**
 * Every `loom` sub-command registers itself here: one file per command group under
 * client/cli/commands/, one line each below.
 */
export function registerCommands(_program: Command): void {
  // command groups are added here
  registerFsCommand(_program);
  registerYarnCommand(_program);
  registerYarnSessionCommand(_program);
  registerJobCommands(_program);
  registerMiniClusterCommand(_program);
  registerUploadRuntimeCommand(_program);
  registerListClustersCommand(_program);
}
