/**
 * `-ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]`, printing what Hadoop's
 * org.apache.hadoop.fs.shell.Ls prints:
 *
 *   drwxr-xr-x   - root supergroup          0 2026-11-22 19:04 /fixtures/dir1
 *   -rw-r--r--   1 root supergroup         42 2026-11-22 19:04 /fixtures/dir1/a.txt
 *
 * Columns are widened (never narrowed) to the widest value seen so far: replication to at
 * least 3, size to at least 10, owner and group to their longest name. A directory's listing
 * starts with "Found N items" and is sorted (by name; -t newest first; -S largest first; -r
 * reversed) unless -R, which prints depth first in listing order, 100 entries at a time. Times
 * are local, `yyyy-MM-dd HH:mm`.
 */
import { checkArgumentCount, parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import { humanSize, padLeft, padRight } from './human-size.js';
import { comparePaths, type PathData } from './path-data.js';
import { permissionString } from './permission-string.js';

export const LS_USAGE = '[-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]';

export class LsCommand extends FsCommand {
  private pathOnly = false;
  private dirRecurse = true;
  private human = false;
  private hideNonPrintable = false;
  private reverse = false;
  private byTime = false;
  private bySize = false;
  private useAtime = false;
  private showEcPolicy = false;
  private maxRepl = 3;
  private maxLen = 10;
  private maxOwner = 0;
  private maxGroup = 0;
  private maxEc = 0;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, {
      command: '-ls',
      min: 0,
      max: UNLIMITED,
      flags: ['C', 'd', 'h', 'q', 'R', 'r', 't', 'S', 'u', 'e'],
    });
    this.pathOnly = flags.has('C');
    this.dirRecurse = !flags.has('d');
    this.recursive = flags.has('R') && this.dirRecurse;
    this.human = flags.has('h');
    this.hideNonPrintable = flags.has('q');
    this.reverse = flags.has('r');
    this.byTime = flags.has('t');
    this.bySize = !this.byTime && flags.has('S');
    this.useAtime = flags.has('u');
    this.showEcPolicy = flags.has('e');
    if (args.length === 0) args.push('.');
    checkArgumentCount(args, 0, UNLIMITED);
  }

  protected override async processPathArgument(item: PathData): Promise<void> {
    if (this.dirRecurse && item.isDirectory) await this.recursePath(item);
    else await super.processPathArgument(item);
  }

  protected override isSorted(): boolean {
    return !this.recursive || this.byTime || this.bySize || this.reverse;
  }

  protected override listingGroupSize(): number {
    return this.pathOnly ? 0 : 100;
  }

  protected override async processPaths(parent: PathData | undefined, items: PathData[]): Promise<void> {
    if (parent && !this.recursive && items.length > 0) {
      if (!this.pathOnly) await this.shell.out(`Found ${items.length} items\n`);
      items = [...items].sort((a, b) => this.compare(a, b));
    }
    if (!this.pathOnly) await this.adjustColumnWidths(items);
    await super.processPaths(parent, items);
  }

  protected async processPath(item: PathData): Promise<void> {
    if (this.pathOnly) {
      await this.shell.out(`${item.display}\n`);
      return;
    }
    const s = item.existingStatus;
    const time = this.useAtime ? s.accessTime : s.modificationTime;
    const columns = [
      `${s.type === 'DIRECTORY' ? 'd' : '-'}${permissionString(s.permission)}${s.aclBit ? '+' : ' '}`,
      `${padLeft(s.type === 'FILE' ? String(s.replication) : '-', this.maxRepl)} `,
      this.maxOwner > 0 ? `${padRight(s.owner, this.maxOwner)} ` : s.owner,
      this.maxGroup > 0 ? `${padRight(s.group, this.maxGroup)} ` : s.group,
    ];
    if (this.showEcPolicy) {
      const ec = await this.ecPolicy(item);
      columns.push(this.maxEc > 0 ? `${padRight(ec, this.maxEc)} ` : ec);
    }
    columns.push(`${padLeft(this.human ? humanSize(s.length) : String(s.length), this.maxLen)} `);
    columns.push(`${localMinute(time)} ${this.hideNonPrintable ? printable(item.display) : item.display}`);
    await this.shell.out(`${columns.join('')}\n`);
  }

  private async adjustColumnWidths(items: PathData[]): Promise<void> {
    for (const item of items) {
      const s = item.existingStatus;
      this.maxRepl = Math.max(this.maxRepl, String(s.replication).length);
      this.maxLen = Math.max(this.maxLen, String(s.length).length);
      this.maxOwner = Math.max(this.maxOwner, s.owner.length);
      this.maxGroup = Math.max(this.maxGroup, s.group.length);
    }
    if (this.showEcPolicy) {
      let maxEc = 0;
      for (const item of items) maxEc = Math.max(maxEc, (await this.ecPolicy(item)).length);
      this.maxEc = maxEc;
    }
  }

  /** The erasure coding policy column of -e (GETCONTENTSUMMARY's ecPolicy; "" on a replicated cluster). */
  private async ecPolicy(item: PathData): Promise<string> {
    return (await this.shell.client.getContentSummary(item.path)).ecPolicy ?? '';
  }

  private compare(a: PathData, b: PathData): number {
    const sign = this.reverse ? -1 : 1;
    if (this.byTime) {
      const time = (p: PathData) => (this.useAtime ? p.existingStatus.accessTime : p.existingStatus.modificationTime);
      return Math.sign(time(b) - time(a)) * sign;
    }
    if (this.bySize) return Math.sign(b.existingStatus.length - a.existingStatus.length) * sign;
    return comparePaths(a, b) * sign;
  }
}

/** `yyyy-MM-dd HH:mm` in local time (Ls's SimpleDateFormat uses the JVM's time zone). */
export function localMinute(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** PrintableString (-q): control, format, private-use, surrogate and unassigned code points become '?'. */
export function printable(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu, '?');
}
