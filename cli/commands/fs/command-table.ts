/**
 * The commands `loom fs` has, with their usage as `hdfs dfs -usage` prints it (Loom lists only
 * the flags it implements; Hadoop's other flags are refused by name), and the `hdfs dfs`
 * commands it does not have, so that those are named as such.
 */
import {
  APPEND_USAGE,
  AppendToFileCommand,
  CP_USAGE,
  CpCommand,
  GET_USAGE,
  GetCommand,
  MV_USAGE,
  MvCommand,
  PUT_USAGE,
  PutCommand,
} from './copy-commands.js';
import { COUNT_USAGE, CountCommand } from './count-command.js';
import { RM_USAGE, RMDIR_USAGE, RmCommand, RmdirCommand } from './delete-commands.js';
import {
  CAT_USAGE,
  CatCommand,
  CHECKSUM_USAGE,
  ChecksumCommand,
  HEAD_USAGE,
  HeadCommand,
  TAIL_USAGE,
  TailCommand,
} from './display-commands.js';
import { DU_USAGE, DuCommand } from './du-command.js';
import type { FsCommand } from './fs-command.js';
import type { FsShellContext } from './fs-shell-context.js';
import { LS_USAGE, LsCommand } from './ls-command.js';
import { MKDIR_USAGE, MkdirCommand } from './mkdir-command.js';
import { CHGRP_USAGE, CHMOD_USAGE, CHOWN_USAGE, ChgrpCommand, ChmodCommand, ChownCommand } from './permission-commands.js';
import { SETREP_USAGE, SetrepCommand } from './setrep-command.js';
import { STAT_USAGE, StatCommand } from './stat-command.js';
import { TEST_USAGE, TestCommand } from './test-command.js';
import { TOUCH_USAGE, TOUCHZ_USAGE, TouchCommand, TouchzCommand } from './touch-commands.js';

export interface CommandEntry {
  usage: string;
  description: string;
  create: (shell: FsShellContext, name: string) => FsCommand;
}

/** Keyed by the command without its dash, sorted as `hdfs dfs` lists them. */
export const COMMANDS: Readonly<Partial<Record<string, CommandEntry>>> = {
  appendToFile: {
    usage: APPEND_USAGE,
    description: 'append local files (or stdin, "-") to an HDFS file',
    create: (s, n) => new AppendToFileCommand(s, n),
  },
  cat: { usage: CAT_USAGE, description: 'print files', create: (s, n) => new CatCommand(s, n) },
  checksum: { usage: CHECKSUM_USAGE, description: 'print the HDFS checksum of files', create: (s, n) => new ChecksumCommand(s, n) },
  chgrp: { usage: CHGRP_USAGE, description: 'change the group', create: (s, n) => new ChgrpCommand(s, n) },
  chmod: { usage: CHMOD_USAGE, description: 'change permissions (octal or symbolic)', create: (s, n) => new ChmodCommand(s, n) },
  chown: { usage: CHOWN_USAGE, description: 'change owner and group', create: (s, n) => new ChownCommand(s, n) },
  copyFromLocal: { usage: PUT_USAGE, description: 'same as -put', create: (s, n) => new PutCommand(s, n) },
  copyToLocal: { usage: GET_USAGE, description: 'same as -get', create: (s, n) => new GetCommand(s, n) },
  count: { usage: COUNT_USAGE, description: 'count directories, files and bytes (and quotas)', create: (s, n) => new CountCommand(s, n) },
  cp: { usage: CP_USAGE, description: 'copy within HDFS', create: (s, n) => new CpCommand(s, n) },
  du: { usage: DU_USAGE, description: 'space used', create: (s, n) => new DuCommand(s, n) },
  get: { usage: GET_USAGE, description: 'download files or directories', create: (s, n) => new GetCommand(s, n) },
  head: { usage: HEAD_USAGE, description: 'print the first kilobyte of a file', create: (s, n) => new HeadCommand(s, n) },
  ls: { usage: LS_USAGE, description: 'list directories', create: (s, n) => new LsCommand(s, n) },
  mkdir: { usage: MKDIR_USAGE, description: 'create directories', create: (s, n) => new MkdirCommand(s, n) },
  mv: { usage: MV_USAGE, description: 'move or rename', create: (s, n) => new MvCommand(s, n) },
  put: { usage: PUT_USAGE, description: 'upload files or directories', create: (s, n) => new PutCommand(s, n) },
  rm: { usage: RM_USAGE, description: 'delete (to the trash when fs.trash.interval > 0)', create: (s, n) => new RmCommand(s, n) },
  rmdir: { usage: RMDIR_USAGE, description: 'delete empty directories', create: (s, n) => new RmdirCommand(s, n) },
  setrep: { usage: SETREP_USAGE, description: 'set the replication of files', create: (s, n) => new SetrepCommand(s, n) },
  stat: {
    usage: STAT_USAGE,
    description: 'print file details in a format (%a %A %b %F %g %n %o %r %u %x %X %y %Y)',
    create: (s, n) => new StatCommand(s, n),
  },
  tail: {
    usage: TAIL_USAGE,
    description: 'print the last kilobyte of a file (-f: and follow it)',
    create: (s, n) => new TailCommand(s, n),
  },
  test: {
    usage: TEST_USAGE,
    description: 'exit 0 if the path is a directory/exists/a file/non-empty/writable/readable/empty',
    create: (s, n) => new TestCommand(s, n),
  },
  touch: { usage: TOUCH_USAGE, description: 'set times, creating missing files', create: (s, n) => new TouchCommand(s, n) },
  touchz: { usage: TOUCHZ_USAGE, description: 'create empty files', create: (s, n) => new TouchzCommand(s, n) },
};

/** `hdfs dfs` commands loom fs does not have, with what to use instead when there is something. */
export const NOT_IN_LOOM: Readonly<Record<string, string | undefined>> = {
  lsr: 'use -ls -R',
  rmr: 'use -rm -r',
  dus: 'use -du -s',
  df: undefined,
  text: 'use -cat for plain files',
  find: 'use -ls -R',
  getmerge: undefined,
  truncate: undefined,
  concat: undefined,
  moveFromLocal: 'use -put, then remove the local copy',
  moveToLocal: undefined,
  expunge: undefined,
  getfacl: undefined,
  setfacl: undefined,
  getfattr: undefined,
  setfattr: undefined,
  createSnapshot: undefined,
  deleteSnapshot: undefined,
  renameSnapshot: undefined,
};

/** The command and its usage, as `hdfs dfs -usage` prints it. */
export function usageLine(name: string, entry: CommandEntry): string {
  return `-${name} ${entry.usage}`;
}
