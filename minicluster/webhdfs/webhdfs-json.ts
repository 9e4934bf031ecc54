/**
 * JSON bodies of the NameNode's answers, byte for byte as Hadoop writes them: keys in
 * alphabetical order (Hadoop builds them from TreeMaps), LISTSTATUS streamed one status per
 * line, everything else compact.
 */
import { octalString } from './fs-permission.js';
import type { Inode } from './namespace-store.js';

export function fileStatusObject(inode: Inode, pathSuffix: string, childrenNum: number): Record<string, unknown> {
  return {
    accessTime: inode.accessTime,
    blockSize: inode.blockSize,
    childrenNum,
    fileId: inode.id,
    group: inode.group,
    length: inode.length,
    modificationTime: inode.modificationTime,
    owner: inode.owner,
    pathSuffix,
    permission: octalString(inode.permission),
    replication: inode.replication,
    storagePolicy: 0,
    type: inode.type,
  };
}

export interface StatusEntry {
  inode: Inode;
  name: string;
  childrenNum: number;
}

const statusOf = (e: StatusEntry) => fileStatusObject(e.inode, e.name, e.childrenNum);

export function fileStatusJson(e: StatusEntry): string {
  return JSON.stringify({ FileStatus: statusOf(e) });
}

/** LISTSTATUS: Hadoop streams `{"FileStatuses":{"FileStatus":[` then one status per line. */
export function fileStatusesJson(entries: StatusEntry[]): string {
  return `{"FileStatuses":{"FileStatus":[\n${entries.map((e) => JSON.stringify(statusOf(e))).join(',\n')}\n]}}\n`;
}

export function directoryListingJson(entries: StatusEntry[], remainingEntries: number): string {
  return JSON.stringify({
    DirectoryListing: { partialListing: { FileStatuses: { FileStatus: entries.map(statusOf) } }, remainingEntries },
  });
}

export function contentSummaryJson(s: { directoryCount: number; fileCount: number; length: number; spaceConsumed: number }): string {
  return JSON.stringify({
    ContentSummary: {
      directoryCount: s.directoryCount,
      ecPolicy: '',
      fileCount: s.fileCount,
      length: s.length,
      quota: -1,
      snapshotDirectoryCount: 0,
      snapshotFileCount: 0,
      snapshotLength: 0,
      snapshotSpaceConsumed: 0,
      spaceConsumed: s.spaceConsumed,
      spaceQuota: -1,
      typeQuota: {},
    },
  });
}
