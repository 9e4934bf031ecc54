// Where the mini cluster's NodeManagers download local resources from: the WebHDFS server's
// namespace, read in-process. The NMs run in the same process as the WebHDFS server, so going
// through HTTP would only add a NameNode request and a DataNode redirect per file to every
// container start; the checks Hadoop makes (modification time, public visibility) need only the
// file status, which the namespace gives exactly as GETFILESTATUS would. Reads happen as the
// NameNode's superuser, as the NM's public localizer does; private and application resources are
// read as the NM user too (the mini cluster runs every container as the OS user that started it).
// Each read takes as long as FSDownload's would from a real cluster: a getFileStatus at the
// NameNode, then the DataNode's set-up before the first byte.
import type { Readable } from 'node:stream';
import { HdfsLatency } from '../webhdfs/hdfs-latency.js';
import type { Namespace } from '../webhdfs/namespace.js';
import type { LocalizationSource, SourceFileStatus } from './localizer.js';

export function namespaceLocalizationSource(ns: Namespace, latency = HdfsLatency.NONE): LocalizationSource {
  return {
    async stat(path: string): Promise<SourceFileStatus> {
      await latency.wait('namenode-read');
      const inode = ns.statusOf(path);
      if (!inode) throw new Error(`java.io.FileNotFoundException: File does not exist: ${path}`);
      return {
        length: inode.length,
        modificationTime: inode.modificationTime,
        permission: inode.permission,
        owner: inode.owner,
        group: inode.group,
        type: inode.type,
      };
    },
    async open(path: string): Promise<Readable> {
      const { stream } = ns.openFile(path);
      await latency.wait('datanode-read');
      return stream;
    },
  };
}

/** URL schemes and authorities that name this cluster's file system (anything else is refused). */
export function sameFileSystem(url: { scheme?: string; host?: string; port?: number }, nameNodePort: number): boolean {
  if (!url.scheme) return true; // a bare path is on the default file system
  if (!['hdfs', 'webhdfs'].includes(url.scheme)) return false;
  if (url.host === undefined || url.host === '') return true;
  return ['127.0.0.1', 'localhost'].includes(url.host) && (url.port === undefined || url.port === nameNodePort);
}
