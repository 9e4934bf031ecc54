/**
 * `-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...`, `-chown [-R] [OWNER][:[GROUP]] PATH...`
 * and `-chgrp [-R] GROUP PATH...`, as Hadoop's FsShellPermissions: only what changes is sent
 * (SETPERMISSION / SETOWNER), a failure names the path and the NameNode's reason.
 */
import { ChmodMode } from './chmod-mode.js';
import { parseCommandFormat, shiftArgument, UNLIMITED } from './command-format.js';
import { FsCommand } from './fs-command.js';
import { FsShellContext } from './fs-shell-context.js';
import type { PathData } from './path-data.js';
import { ShellUsageError } from './shell-errors.js';

export const CHMOD_USAGE = '[-R] <MODE[,MODE]... | OCTALMODE> PATH...';
export const CHOWN_USAGE = '[-R] [OWNER][:[GROUP]] PATH...';
export const CHGRP_USAGE = '[-R] GROUP PATH...';

/** Names HDFS owners and groups may have in these commands (FsShellPermissions.allowedChars). */
const NAME = '[-_./@a-zA-Z0-9]';

export class ChmodCommand extends FsCommand {
  private mode!: ChmodMode;

  protected processOptions(args: string[]): void {
    // Unknown options stay in place, as in Hadoop: "-w" is the mode "remove write".
    const { flags } = parseCommandFormat(args, { command: '-chmod', min: 2, max: UNLIMITED, flags: ['R'], ignoreUnknown: true });
    this.recursive = flags.has('R');
    const text = shiftArgument(args);
    try {
      this.mode = new ChmodMode(text);
    } catch {
      throw new ShellUsageError(`chmod : mode '${text}' does not match the expected pattern.`);
    }
  }

  protected async processPath(item: PathData): Promise<void> {
    const s = item.existingStatus;
    const permission = this.mode.apply(s.permission, s.type === 'DIRECTORY');
    if (permission === s.permission) return;
    try {
      await this.shell.client.setPermission(item.path, permission.toString(8));
    } catch (err) {
      throw new Error(`changing permissions of '${item.display}': ${FsShellContext.messageOf(err)}`);
    }
  }
}

export class ChownCommand extends FsCommand {
  protected owner: string | undefined;
  protected group: string | undefined;

  protected processOptions(args: string[]): void {
    const { flags } = parseCommandFormat(args, { command: `-${this.name}`, min: 2, max: UNLIMITED, flags: ['R'] });
    this.recursive = flags.has('R');
    this.parseOwnerGroup(shiftArgument(args));
  }

  protected parseOwnerGroup(text: string): void {
    const m = new RegExp(`^\\s*(${NAME}+)?([:](${NAME}*))?\\s*$`).exec(text);
    if (!m) throw new ShellUsageError(`'${text}' does not match expected pattern for [owner][:group].`);
    this.owner = m.at(1);
    this.group = m.at(3) || undefined;
    if (this.owner === undefined && this.group === undefined) throw new ShellUsageError(`'${text}' does not specify owner or group.`);
  }

  protected async processPath(item: PathData): Promise<void> {
    const s = item.existingStatus;
    const owner = this.owner === undefined || this.owner === s.owner ? undefined : this.owner;
    const group = this.group === undefined || this.group === s.group ? undefined : this.group;
    if (owner === undefined && group === undefined) return;
    try {
      await this.shell.client.setOwner(item.path, { ...(owner ? { owner } : {}), ...(group ? { group } : {}) });
    } catch (err) {
      throw new Error(`changing ownership of '${item.display}': ${FsShellContext.messageOf(err)}`);
    }
  }
}

export class ChgrpCommand extends ChownCommand {
  protected override parseOwnerGroup(text: string): void {
    const m = new RegExp(`^\\s*(${NAME}+)\\s*$`).exec(text);
    if (!m) throw new ShellUsageError(`'${text}' does not match expected pattern for group`);
    this.owner = undefined;
    this.group = m[1];
  }
}
