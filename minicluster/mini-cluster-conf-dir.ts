// The HADOOP_CONF_DIR a mini cluster writes about itself: what a real `yarn` / `hdfs dfs` client
// (or Loom's own) needs to reach it. fs.defaultFS is webhdfs:// because the mini cluster has no
// NameNode RPC port, only WebHDFS.
import { join } from 'node:path';
import { makeDirWithMode, writeFileWithMode } from '../client/wire/security/local-file-modes.js';
import { Configuration } from '../client/conf/configuration.js';

export interface MiniClusterAddresses {
  rm: string;
  scheduler: string;
  web: string;
  nameNodeHttp: string;
  dataNodeHttp: string;
}

export type SiteValues = Record<string, string>;

export interface SiteFiles {
  core: SiteValues;
  hdfs: SiteValues;
  yarn: SiteValues;
  capacityScheduler: SiteValues;
}

/**
 * The site files' values; `yarnExtra` (the cluster's NodeManager and scheduler settings) wins in
 * yarn-site.xml, `capacityScheduler` is capacity-scheduler.xml as is.
 */
export function siteValues(a: MiniClusterAddresses, yarnExtra: SiteValues, capacityScheduler: SiteValues = {}): SiteFiles {
  return {
    core: {
      'fs.defaultFS': `webhdfs://${a.nameNodeHttp}`,
    },
    hdfs: {
      'dfs.namenode.http-address': a.nameNodeHttp,
      'dfs.datanode.http.address': a.dataNodeHttp,
      'dfs.webhdfs.enabled': 'true',
      'dfs.replication': '1',
    },
    yarn: {
      'yarn.resourcemanager.hostname': a.rm.slice(0, a.rm.lastIndexOf(':')),
      'yarn.resourcemanager.address': a.rm,
      'yarn.resourcemanager.scheduler.address': a.scheduler,
      'yarn.resourcemanager.webapp.address': a.web,
      ...yarnExtra,
    },
    capacityScheduler: { ...capacityScheduler },
  };
}

function xml(values: SiteValues): string {
  const conf = Configuration.withDefaults({});
  for (const [k, v] of Object.entries(values)) conf.set(k, v, 'mini cluster');
  return conf.toXml();
}

/**
 * Writes core-site.xml, hdfs-site.xml, yarn-site.xml and capacity-scheduler.xml into `dir`
 * (created if missing). They hold addresses and settings, no secret: readable by every user, as a
 * Hadoop client configuration (etc/hadoop) is, so that any client on the host can use the cluster.
 */
export async function writeHadoopConfDir(dir: string, files: SiteFiles): Promise<string> {
  await makeDirWithMode(dir, CONF_DIR_MODE);
  await writeFileWithMode(join(dir, 'core-site.xml'), xml(files.core), CONF_FILE_MODE);
  await writeFileWithMode(join(dir, 'hdfs-site.xml'), xml(files.hdfs), CONF_FILE_MODE);
  await writeFileWithMode(join(dir, 'yarn-site.xml'), xml(files.yarn), CONF_FILE_MODE);
  await writeFileWithMode(join(dir, 'capacity-scheduler.xml'), xml(files.capacityScheduler), CONF_FILE_MODE);
  return dir;
}

const CONF_DIR_MODE = 0o755;
const CONF_FILE_MODE = 0o644;
