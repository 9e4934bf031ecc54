/**
 * Which directory Hadoop's site files are read from, and whether it can be used. The order is
 * Hadoop's (hadoop-functions.sh hadoop_find_confdir, yarn-config.sh): an explicit directory,
 * then $HADOOP_CONF_DIR, then $YARN_CONF_DIR, then $HADOOP_HOME/etc/hadoop.
 *
 * Hadoop's Configuration skips a site file it does not find, so a mistyped HADOOP_CONF_DIR
 * silently means "all defaults" and a client talks to 0.0.0.0:8032. Loom refuses a directory
 * that is named but unusable (missing, not a directory, no site file in it), naming the variable,
 * the path and the fix; with no directory named at all it uses the defaults and says so.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from './configuration-error.js';
import { SITE_FILES } from './hadoop-defaults.js';

type Env = Record<string, string | undefined>;

export interface HadoopConfDir {
  dir: string;
  /** What named it, for messages: HADOOP_CONF_DIR, YARN_CONF_DIR, HADOOP_HOME, or e.g. "--conf". */
  namedBy: string;
}

/** The directory to read, or undefined when nothing names one. */
export function findHadoopConfDir(env: Env, explicit?: { dir: string | undefined; namedBy: string }): HadoopConfDir | undefined {
  const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const explicitDir = explicit && set(explicit.dir);
  if (explicit && explicitDir) return { dir: explicitDir, namedBy: explicit.namedBy };
  const hadoopConfDir = set(env.HADOOP_CONF_DIR);
  if (hadoopConfDir) return { dir: hadoopConfDir, namedBy: 'HADOOP_CONF_DIR' };
  const yarnConfDir = set(env.YARN_CONF_DIR);
  if (yarnConfDir) return { dir: yarnConfDir, namedBy: 'YARN_CONF_DIR' };
  const home = set(env.HADOOP_HOME);
  if (home) return { dir: join(home, 'etc', 'hadoop'), namedBy: 'HADOOP_HOME' };
  return undefined;
}

/** The site files in `confDir`, in load order; a ConfigurationError when the directory cannot be used. */
export function siteFilesIn(confDir: HadoopConfDir): string[] {
  const { dir, namedBy } = confDir;
  const what = namedBy === 'HADOOP_HOME' ? `HADOOP_HOME's configuration directory ${dir}` : `${namedBy}=${dir}`;
  const fix =
    namedBy === 'HADOOP_HOME' || namedBy === 'HADOOP_CONF_DIR' || namedBy === 'YARN_CONF_DIR'
      ? `point ${namedBy === 'HADOOP_HOME' ? 'HADOOP_CONF_DIR' : namedBy} at the directory holding your cluster's ${SITE_FILES.join(', ')} (or unset it to use Hadoop's defaults)`
      : `name the directory holding your cluster's ${SITE_FILES.join(', ')}`;
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new ConfigurationError(`${what} is not a directory: ${fix}`, namedBy);
    entries = readdirSync(dir);
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${(err as Error).message})`;
    throw new ConfigurationError(`${what} ${problem}: ${fix}`, namedBy);
  }
  const present = SITE_FILES.filter((f) => entries.includes(f));
  if (present.length === 0) throw new ConfigurationError(`${what} holds none of ${SITE_FILES.join(', ')}: ${fix}`, namedBy);
  return present.map((f) => join(dir, f));
}

/** What a configuration without any site file falls back to, as one line for stderr (the values -D may have changed). */
export function defaultsInUseNotice(conf: { get(name: string): string | undefined }): string {
  return (
    `no Hadoop configuration (HADOOP_CONF_DIR, YARN_CONF_DIR and HADOOP_HOME are unset): using Hadoop's defaults, ` +
    `yarn.resourcemanager.address=${conf.get('yarn.resourcemanager.address')} and fs.defaultFS=${conf.get('fs.defaultFS')}; ` +
    `export HADOOP_CONF_DIR=<the directory of your cluster's ${SITE_FILES.join(', ')}> to use a cluster`
  );
}
