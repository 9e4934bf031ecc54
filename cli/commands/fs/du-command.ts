/**
 * `-du [-s] [-h] [-v] [-x] <path> ...` as Hadoop's FsUsage.Du: one row per child of each
 * directory argument (per argument with -s): its length and the space it takes with all replicas
 * (GETCONTENTSUMMARY), then the path. Rows are collected and printed at the end as a table:
 * columns left-aligned to their widest cell, two spaces apart, the last column unpadded.
 */
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import { humanSize } from './human-size.js';
import type { PathData } from './path-data.js';

export const DU_USAGE = '[-s] [-h] [-v] [-x] <path> ...';

export class DuCommand extends FsCommand {
  private human = false;
  private summary = false;
  private header = false;
  private excludeSnapshots = false;
  private readonly rows: string[][] = [];

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: '-du', min: 0, max: UNLIMITED, flags: ['h', 's', 'v', 'x'] });
    this.human = flags.has('h');
    this.summary = flags.has('s');
    this.header = flags.has('v');
    this.excludeSnapshots = flags.has('x');
    if (args.length === 0) args.push('.');
  }

  protected override async processArguments(items: PathData[]): Promise<void> {
    await super.processArguments(items);
    if (this.rows.length === 0) return;
    const table = this.header ? [['SIZE', 'DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS', 'FULL_PATH_NAME'], ...this.rows] : this.rows;
    await this.shell.out(formatTable(table));
  }

  protected override async processPathArgument(item: PathData): Promise<void> {
    if (!this.summary && item.isDirectory) await this.recursePath(item);
    else await super.processPathArgument(item);
  }

  protected async processPath(item: PathData): Promise<void> {
    const cs = await this.shell.client.getContentSummary(item.path);
    let length = cs.length;
    let spaceConsumed = cs.spaceConsumed;
    if (this.excludeSnapshots) {
      length -= cs.snapshotLength ?? 0;
      spaceConsumed -= cs.snapshotSpaceConsumed ?? 0;
    }
    const size = (n: number) => (this.human ? humanSize(n) : String(n));
    this.rows.push([size(length), size(spaceConsumed), item.display]);
  }
}

/** FsUsage.TableBuilder without right-aligned columns: `%-w0s  %-w1s  %s`. */
export function formatTable(rows: string[][]): string {
  const columns = rows[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${r.map((cell, c) => (c === columns - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}\n`).join('');
}
