// The mini cluster from the other side: Apache Hadoop's own Java clients against it. FsShell over
// webhdfs:// (mkdir, put, ls, cat), the YARN CLI, and distributed shell, whose Java AM is started
// by the mini RM, registers, asks for containers and starts them on the mini NodeManager over
// ContainerManagementProtocol. Needs a Hadoop 3.x install (HADOOP_HOME, as real-hadoop.sh builds
// it) and the real-hadoop.sh runner beside the repository; skips with one line otherwise. Run once
// with hadoop.rpc.protection=authentication and once with privacy, where the Java AM's DIGEST-MD5
// client (the JDK's) negotiates auth-conf with the mini RM's and NM's servers and wraps every frame.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { ROOT } from './real-yarn-kit.js';

const RUNNER = resolve(ROOT, '..', 'shared', 'tools', 'real-hadoop.sh');
const HADOOP_HOME = process.env.HADOOP_HOME ?? join(process.env.TMPDIR ?? '/tmp', 'hadoop');
const S = join(HADOOP_HOME, 'share', 'hadoop');
const DS_JAR = join(S, 'yarn', 'hadoop-yarn-applications-distributedshell-3.3.6.jar');
const missing = !existsSync(RUNNER) || !existsSync(DS_JAR) ? `no Hadoop 3.3.6 at HADOOP_HOME=${HADOOP_HOME} or no ${RUNNER}` : undefined;
if (missing) console.log(`Hadoop clients against the mini cluster skipped: ${missing}; build one with real-hadoop.sh build`);

for (const protection of ['authentication', 'privacy'] as const)
  describe.skipIf(missing !== undefined)(`Apache Hadoop's clients against the mini cluster (hadoop.rpc.protection=${protection})`, () => {
    let dir: string;
    let cluster: MiniCluster;

    /** `real-hadoop.sh run CLASS ARGS` with the mini cluster's configuration on the classpath. */
    function hadoop(...args: string[]): Promise<{ code: number; out: string }> {
      return new Promise((done) => {
        execFile(
          RUNNER,
          ['run', ...args],
          {
            env: { ...process.env, HADOOP_HOME, HADOOP_CONF: cluster.confDir, HADOOP_CONF_DIR: cluster.confDir },
            timeout: 240_000,
            maxBuffer: 64 << 20,
          },
          (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
        );
      });
    }

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'loom-hadoop-clients-'));
      cluster = await startMiniCluster({
        dir,
        nodes: 1,
        // Distributed shell's JVM AM (-Xmx512m) reserves more virtual memory than 2.1 x 512 MiB, as on a real cluster with the check on.
        yarnSite: { 'yarn.nodemanager.vmem-check-enabled': 'false' },
        rpcProtection: protection,
      });
      // Distributed shell's client builds its AM's CLASSPATH from yarn.application.classpath: the cluster's conf dir and Hadoop's jars.
      const classpath = [
        cluster.confDir,
        ...['common', 'common/lib', 'hdfs', 'hdfs/lib', 'yarn', 'yarn/lib'].map((d) => `${S}/${d}/*`),
      ].join(',');
      const site = join(cluster.confDir, 'yarn-site.xml');
      const text = await readFile(site, 'utf8');
      await writeFile(
        site,
        text.replace(
          '</configuration>',
          `  <property><name>yarn.application.classpath</name><value>${classpath}</value></property>\n</configuration>`,
        ),
      );
      const log4j = join(HADOOP_HOME, 'etc', 'hadoop', 'log4j.properties');
      if (existsSync(log4j)) await copyFile(log4j, join(cluster.confDir, 'log4j.properties'));
    });
    afterAll(async () => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed before assigning it
      await cluster?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.skipIf(protection !== 'authentication')('FsShell: mkdir, put, ls and cat over webhdfs://', async () => {
      const local = join(dir, 'hello.txt');
      await writeFile(local, 'hello from FsShell\n');
      expect((await hadoop('org.apache.hadoop.fs.FsShell', '-mkdir', '-p', '/user/shell')).code).toBe(0);
      expect((await hadoop('org.apache.hadoop.fs.FsShell', '-put', '-f', local, '/user/shell/hello.txt')).code).toBe(0);
      const ls = await hadoop('org.apache.hadoop.fs.FsShell', '-ls', '/user/shell');
      expect(ls.code, ls.out).toBe(0);
      expect(ls.out).toMatch(/-rw-r--r--\s+1 \S+ \S+\s+19 .* \/user\/shell\/hello\.txt/);
      const cat = await hadoop('org.apache.hadoop.fs.FsShell', '-cat', '/user/shell/hello.txt');
      expect(cat.out).toContain('hello from FsShell');
    });

    it('distributed shell: its Java AM runs two containers and the application SUCCEEDS; the YARN CLI lists it', async () => {
      const ds = await hadoop(
        'org.apache.hadoop.yarn.applications.distributedshell.Client',
        '-jar',
        DS_JAR,
        '-shell_command',
        'echo hi',
        '-num_containers',
        '2',
        '-container_memory',
        '256',
        '-master_memory',
        '512',
      );
      expect(ds.code, ds.out.slice(-3000)).toBe(0);
      expect(ds.out).toContain('Application completed successfully');
      const list = await hadoop('org.apache.hadoop.yarn.client.cli.ApplicationCLI', 'application', '-list', '-appStates', 'FINISHED');
      expect(list.code, list.out).toBe(0);
      expect(list.out).toMatch(/application_\d+_0001\s+DistributedShell\s+YARN\s+\S+\s+default\s+FINISHED\s+SUCCEEDED\s+100%/);
    });
  });
