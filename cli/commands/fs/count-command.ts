/**
 * `-count [-q] [-h] [-v] [-u] [-x] [-e] [-s] <path> ...` as Hadoop's Count, with the column
 * formats of ContentSummary and QuotaUsage:
 *
 *   DIR_COUNT FILE_COUNT CONTENT_SIZE            "%12s %12s %18s "
 *   QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA  "%12s %15s %15s %15s " ("none"/"inf" without a quota)
 *   snapshot counts (-s)                         "%18s %24s %24s %28s "
 *
 * then the path. The figures come from GETCONTENTSUMMARY (its quota fields are those of
 * GETQUOTAUSAGE). -t (quotas per storage type) is refused by name.
 */
import { parseCommandFormat, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import { humanSize } from './human-size.js';
import type { PathData } from './path-data.js';
import type { HdfsContentSummary } from '../../../client/hadoop/hdfs/webhdfs-json.js';

export const COUNT_USAGE = '[-q] [-h] [-v] [-u] [-x] [-e] [-s] <path> ...';

const pad = (widths: number[], values: string[]) => values.map((v, i) => `${v.padStart(widths[i])} `).join('');
const QUOTA_WIDTHS = [12, 15, 15, 15];
const SUMMARY_WIDTHS = [12, 12, 18];
const SNAPSHOT_WIDTHS = [18, 24, 24, 28];
const QUOTA_HEADER = pad(QUOTA_WIDTHS, ['QUOTA', 'REM_QUOTA', 'SPACE_QUOTA', 'REM_SPACE_QUOTA']);
const SUMMARY_HEADER = pad(SUMMARY_WIDTHS, ['DIR_COUNT', 'FILE_COUNT', 'CONTENT_SIZE']);
const SNAPSHOT_HEADER = pad(SNAPSHOT_WIDTHS, ['SNAPSHOT_LENGTH', 'SNAPSHOT_FILE_COUNT', 'SNAPSHOT_DIR_COUNT', 'SNAPSHOT_SPACE_CONSUMED']);

export class CountCommand extends FsCommand {
  private showQuotas = false;
  private human = false;
  private quotasAndUsageOnly = false;
  private excludeSnapshots = false;
  private showEcPolicy = false;
  private showSnapshots = false;

  protected async processOptions(args: string[]): Promise<void> {
    const { flags } = parseCommandFormat(args, {
      command: '-count',
      min: 1,
      max: UNLIMITED,
      flags: ['q', 'h', 'v', 'u', 'x', 'e', 's'],
      unsupported: { t: 'quotas per storage type need GETQUOTAUSAGE with storage types' },
    });
    this.showQuotas = flags.has('q');
    this.human = flags.has('h');
    this.quotasAndUsageOnly = flags.has('u');
    this.excludeSnapshots = flags.has('x');
    this.showEcPolicy = flags.has('e');
    this.showSnapshots = flags.has('s');
    if ((this.showQuotas || this.quotasAndUsageOnly) && this.excludeSnapshots) {
      await this.shell.out('q or u option is given, the -x option is ignored.\n');
      this.excludeSnapshots = false;
    }
    if (flags.has('v')) {
      let header = this.quotasAndUsageOnly ? QUOTA_HEADER : this.showQuotas ? QUOTA_HEADER + SUMMARY_HEADER : SUMMARY_HEADER;
      if (this.showEcPolicy) header += 'ERASURECODING_POLICY ';
      if (this.showSnapshots) header += SNAPSHOT_HEADER;
      await this.shell.out(`${header}PATHNAME\n`);
    }
  }

  protected async processPath(item: PathData): Promise<void> {
    const cs = await this.shell.client.getContentSummary(item.path);
    let line = '';
    if (this.quotasAndUsageOnly) line += this.quotaColumns(cs);
    else {
      if (this.showQuotas) line += this.quotaColumns(cs);
      const minus = (n: number, snapshot: number | undefined) => (this.excludeSnapshots ? n - (snapshot ?? 0) : n);
      line += pad(SUMMARY_WIDTHS, [
        this.size(minus(cs.directoryCount, cs.snapshotDirectoryCount)),
        this.size(minus(cs.fileCount, cs.snapshotFileCount)),
        this.size(minus(cs.length, cs.snapshotLength)),
      ]);
    }
    if (this.showEcPolicy) {
      const policy = cs.ecPolicy ?? '';
      line += `${policy === 'Replicated' ? '' : 'EC:'}${policy} `;
    }
    if (this.showSnapshots) {
      line += pad(SNAPSHOT_WIDTHS, [
        this.size(cs.snapshotLength ?? 0),
        this.size(cs.snapshotFileCount ?? 0),
        this.size(cs.snapshotDirectoryCount ?? 0),
        this.size(cs.snapshotSpaceConsumed ?? 0),
      ]);
    }
    await this.shell.out(`${line}${item.display}\n`);
  }

  /** QuotaUsage.getQuotaUsage: a name quota > 0 and a space quota >= 0 are shown with what remains. */
  private quotaColumns(cs: HdfsContentSummary): string {
    const quota = cs.quota > 0 ? [this.size(cs.quota), this.size(cs.quota - (cs.directoryCount + cs.fileCount))] : ['none', 'inf'];
    const space = cs.spaceQuota >= 0 ? [this.size(cs.spaceQuota), this.size(cs.spaceQuota - cs.spaceConsumed)] : ['none', 'inf'];
    return pad(QUOTA_WIDTHS, [...quota, ...space]);
  }

  private size(n: number): string {
    return this.human ? humanSize(n) : String(n);
  }
}
