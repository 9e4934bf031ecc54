import type { Configuration } from '../../client/conf/configuration.js';
import { parseHdfsPath } from '../../client/hadoop/hdfs/hdfs-path.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { AmEnvironment } from '../am-runtime/am-environment.js';

/**
 * Deletes the application's staging dir, as YARN's own AMs do once the application is over
 * (MapReduce's MRAppMaster deletes its staging dir once it has unregistered): only when the application ends on
 * purpose, since an attempt cannot know it is the last.
 */
export async function deleteStagingDir(
  am: Pick<AmEnvironment, 'stagingDir' | 'user'>,
  conf: Configuration,
  log: (line: string) => void,
): Promise<void> {
  if (!am.stagingDir) return;
  const client = webHdfsClientFromConf(conf, { uri: am.stagingDir, user: am.user });
  try {
    await client.delete(parseHdfsPath(am.stagingDir).path, { recursive: true, ignoreMissing: true });
    log(`deleted the staging dir ${am.stagingDir}`);
  } finally {
    client.close();
  }
}
