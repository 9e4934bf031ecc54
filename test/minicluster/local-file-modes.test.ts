// Nothing the mini cluster writes on the local disk holds data other local users can read: the
// HDFS namespace and blocks (the HA store's records, the cluster secret), the NodeManagers' dirs
// (tokens, scripts, localized private resources, pid files) carry Hadoop's modes, set explicitly:
// the cluster runs under umask 000 here, so a mode left to the umask shows as world-readable.
// Exemptions are the entries Hadoop itself opens, each with its reason.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packDirectoryTarGz } from '../../client/hadoop/archive/archive-pack.js';
import { writeSessionProperties } from '../../client/deploy/submit/properties-file.js';
import { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs } from '../../minicluster/webhdfs/webhdfs-server.js';
import { BundleCache } from '../../taskexecutor/bundle-cache.js';
import type { BundleRef } from '../../client/contracts/bundle-ref.js';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { exposed, walkAccess, withUmask, type LocalEntry } from '../support/local-access.js';
import { amContainerOf, clientsFor, hdfsFor, submitAm, uploadResource, USER, waitFor, type ClusterClients } from './mini-cluster-kit.js';

let parent: string | undefined;
let cluster: MiniCluster | undefined;
let clients: ClusterClients | undefined;
afterEach(async () => {
  await clients?.close();
  await cluster?.stop();
  if (parent) rmSync(parent, { recursive: true, force: true });
  clients = undefined;
  cluster = undefined;
  parent = undefined;
});

/** What everyone may read, as on a Hadoop node; undefined for anything else. */
function openToEveryone(e: LocalEntry): string | undefined {
  if (e.path === 'conf' || e.path.startsWith('conf/'))
    return "client configuration, addresses only (Hadoop's etc/hadoop is world-readable)";
  if (/^nm-\d+$/.test(e.path)) return "holds the NodeManager's local and log roots only";
  if (/^nm-\d+\/(local|logs)$/.test(e.path)) return 'NM local/log roots 755 (LocalDirsHandlerService)';
  if (/^nm-\d+\/local\/usercache$/.test(e.path)) return 'usercache 755 (ContainerLocalizer USERCACHE_FOLDER_PERMS)';
  if (/^nm-\d+\/local\/filecache(\/|$)/.test(e.path)) return 'PUBLIC resources: world-readable on HDFS, 755/555 in the public cache';
  return undefined;
}

/** What the NodeManager's group (here: the user's group) may read, as on a Hadoop node. */
function openToGroup(e: LocalEntry): string | undefined {
  const everyone = openToEveryone(e);
  if (everyone) return everyone;
  if (/^nm-\d+\/local\/usercache\/[^/]+$/.test(e.path))
    return 'usercache/<user> 750 (DefaultContainerExecutor USER_PERM): lists appcache and filecache';
  if (/\/filecache\/\d+$/.test(e.path) && e.isDirectory) return "a localized resource's dir 755 (FSDownload cachePerms): its name only";
  if (/\/filecache\/\d+\/\.[^/]+\.crc$/.test(e.path))
    return "CRC checksums of a localized file, 644 as the NM's local file system writes them";
  if (/^nm-\d+\/logs\/application_[^/]+\/container_[^/]+\/[^/]+$/.test(e.path)) {
    return "container logs: log dirs 710 (yarn.nodemanager.default-container-executor.log-dirs.permissions) so that the NM's group reads them";
  }
  return undefined;
}

describe('local files of the mini cluster', () => {
  it('keeps HDFS data, NodeManager dirs and container files from other local users (umask 000)', async () => {
    parent = mkdtempSync(join(tmpdir(), 'loom-modes-'));
    const dir = join(parent, 'cluster');
    let appId = '';
    let containerId = '';
    await withUmask(0, async () => {
      cluster = await startMiniCluster({ dir, nodes: 1, heartbeatMs: 50, rmConfig: { minimumAllocationMb: 128 }, hdfsLatency: 'none' });
      clients = clientsFor(cluster);
      const fs = hdfsFor(cluster);
      // HDFS data as Loom writes it: a private dir with a secret, replaced and appended to.
      await fs.mkdirs(`/user/${USER}/.loom/ha`, { permission: '700' });
      await fs.create(`/user/${USER}/.loom/loom-secret`, Buffer.from('s3cr3t\n'), { permission: '600' });
      await fs.create(`/user/${USER}/.loom/ha/record.json`, Buffer.from('{"v":1}'), { permission: '600' });
      await fs.create(`/user/${USER}/.loom/ha/record.json`, Buffer.from('{"v":2}'), { permission: '600', overwrite: true });
      await fs.append(`/user/${USER}/.loom/ha/record.json`, Buffer.from('\n'));
      // A container with a resource of each visibility, writing to its log.
      const resources = [
        await uploadResource(cluster, fs, '/public/pub.txt', Buffer.from('public'), { visibility: 'PUBLIC', permission: '644' }),
        await uploadResource(cluster, fs, `/user/${USER}/priv.txt`, Buffer.from('private'), { visibility: 'PRIVATE', permission: '600' }),
        await uploadResource(cluster, fs, `/user/${USER}/app.txt`, Buffer.from('application'), {
          visibility: 'APPLICATION',
          permission: '600',
        }),
        await uploadResource(cluster, fs, `/user/${USER}/app.tgz`, await smallArchive(), {
          visibility: 'APPLICATION',
          permission: '600',
          type: 'ARCHIVE',
        }),
      ];
      appId = await submitAm(clients.rm, { command: 'cat app.txt 1><LOG_DIR>/stdout; exec sleep 60', localResources: resources });
      const am = await waitFor(() => amContainerOf(cluster!, appId), 'the AM container');
      containerId = am.containerId;
      const nm = cluster.nodes[0];
      const stdout = join(nm.containerLogDir(am.containerId), 'stdout');
      await waitFor(() => existsSync(stdout) && readFileSync(stdout, 'utf8') === 'application', 'the container to write its log');
      fs.close();
    });
    const c = cluster!;
    const work = c.nodes[0].containerWorkDir(containerId)!.slice(dir.length + 1);
    const logs = c.nodes[0].containerLogDir(containerId).slice(dir.length + 1);
    expect(appId).not.toBe('');

    const running = walkAccess(dir);
    expect(exposed(running, openToEveryone, 'others')).toEqual([]);
    expect(exposed(running, openToGroup, 'group')).toEqual([]);
    const modes = new Map(running.map((e) => [e.path, e.mode.toString(8)]));
    const appDir = work.slice(0, work.lastIndexOf('/'));
    // Hadoop's modes, one by one.
    expect({
      hdfs: modes.get('hdfs'),
      blocks: modes.get('hdfs/blocks'),
      fsimage: modes.get('hdfs/fsimage.json'),
      edits: modes.get('hdfs/edits.log'),
      blockFiles: [...new Set(running.filter((e) => e.path.startsWith('hdfs/blocks/')).map((e) => e.mode.toString(8)))],
      local: modes.get('nm-0/local'),
      logRoot: modes.get('nm-0/logs'),
      nmPrivate: modes.get('nm-0/local/nmPrivate'),
      usercache: modes.get('nm-0/local/usercache'),
      userDir: modes.get(`nm-0/local/usercache/${USER}`),
      userFilecache: modes.get(`nm-0/local/usercache/${USER}/filecache`),
      appcache: modes.get(`nm-0/local/usercache/${USER}/appcache`),
      appDir: modes.get(appDir),
      containerDir: modes.get(work),
      containerTmp: modes.get(`${work}/tmp`),
      tokens: modes.get(`${work}/container_tokens`),
      launchScript: modes.get(`${work}/launch_container.sh`),
      wrapper: modes.get(`${work}/default_container_executor.sh`),
      session: modes.get(`${work}/default_container_executor_session.sh`),
      appLogDir: modes.get(logs.slice(0, logs.lastIndexOf('/'))),
      containerLogDir: modes.get(logs),
    }).toEqual({
      hdfs: '700',
      blocks: '700',
      fsimage: '600',
      edits: '600',
      blockFiles: ['600'],
      local: '755',
      logRoot: '755',
      nmPrivate: '700',
      usercache: '755',
      userDir: '750',
      userFilecache: '710',
      appcache: '710',
      appDir: '710',
      containerDir: '710',
      containerTmp: '710',
      tokens: '600',
      launchScript: '700',
      wrapper: '700',
      session: '700',
      appLogDir: '710',
      containerLogDir: '710',
    });

    await c.stop(); // checkpoints the namespace: a fresh fsimage.json and an empty edits.log
    const stopped = walkAccess(dir);
    expect(exposed(stopped, openToEveryone, 'others')).toEqual([]);
    expect(exposed(stopped, openToGroup, 'group')).toEqual([]);
    expect(
      stopped
        .filter((e) => e.path.startsWith('hdfs'))
        .map((e) => e.mode.toString(8))
        .sort(),
    ).not.toContain('644');
  });
});

describe('local files Loom writes', () => {
  it("keeps the TaskExecutor's bundle cache and the session properties file to their owner (umask 000)", async () => {
    parent = mkdtempSync(join(tmpdir(), 'loom-modes-'));
    const top = join(parent, 'container'); // a container work dir is 710: its group may enter
    mkdirSync(top, { mode: 0o710 });
    const server = await startWebHdfs({ dataDir: join(parent, 'hdfs'), superUser: 'root', staticUser: 'root' });
    const client = new WebHdfsClient({
      endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
      user: 'root',
    });
    try {
      await client.create('/b/job.js', Buffer.from('export const run = () => "secret logic";\n'));
      await client.create('/b/job.tgz', await smallArchive());
      const ref = async (url: string, kind: BundleRef['kind'], entry?: string): Promise<BundleRef> => {
        const st = await client.getFileStatus(url);
        return { url, kind, size: st.length, modificationTime: st.modificationTime, ...(entry ? { entry } : {}) };
      };
      const plain = await ref('/b/job.js', 'file');
      const archive = await ref('/b/job.tgz', 'archive', 'sub/data.txt');
      await withUmask(0, async () => {
        const cache = new BundleCache({
          dir: join(top, 'loom-bundles'),
          clientFor: () => client,
          fileSystem: { problemWith: () => undefined },
        });
        await cache.modulePath(plain);
        await cache.modulePath(archive);
        await writeSessionProperties(join(top, '.loom-session-me'), { applicationId: 'application_1_0001', secret: 'a'.repeat(64) });
      });
    } finally {
      client.close();
      await server.close();
    }
    const entries = walkAccess(top);
    expect(entries.filter((e) => e.path.startsWith('loom-bundles/')).length).toBeGreaterThan(3);
    expect(exposed(entries, () => undefined, 'others')).toEqual([]);
    expect(exposed(entries, () => undefined, 'group')).toEqual([]);
    expect(entries.find((e) => e.path === 'loom-bundles')?.mode.toString(8)).toBe('700');
    expect(entries.find((e) => e.path === '.loom-session-me')?.mode.toString(8)).toBe('600');
  });
});

/** A small .tar.gz with a file in a dir, as an ARCHIVE resource. */
async function smallArchive(): Promise<Buffer> {
  const src = mkdtempSync(join(tmpdir(), 'loom-modes-archive-'));
  try {
    mkdirSync(join(src, 'content', 'sub'), { recursive: true });
    writeFileSync(join(src, 'content', 'sub', 'data.txt'), 'archived data');
    await packDirectoryTarGz(join(src, 'content'), join(src, 'a.tgz'));
    return readFileSync(join(src, 'a.tgz'));
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}
