// Loom's runtime on HDFS, end to end with real processes on a one-node mini cluster:
// `loom upload-runtime` twice (the second uploads nothing), two sessions on the provided runtime
// (each writes only its configuration and secret; the second localizes nothing new on the node),
// the AM and a TaskExecutor running the shipped Node.js binary rather than a node on their PATH,
// and bad provided dirs refused before anything is submitted or written.
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationIdIn } from '../session-kit.js';
import {
  amContainerId,
  hdfsFiles,
  localizationCounters,
  loomProcesses,
  nodeOnPath,
  publicCache,
  useShippedNodeKit,
  stopSession,
  written,
} from './runtime-e2e-kit.js';

const JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');

const kit = useShippedNodeKit();

describe("Loom's runtime provided on HDFS", () => {
  it('upload-runtime once; sessions on it upload only their configuration and secret, localize it once, and run the shipped node', async () => {
    const k = kit();
    const target = `${k.cluster.defaultFs}/apps/loom`;
    const upload = await k.loom(['upload-runtime', target], { timeoutMs: 120_000 });
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stdout).toMatch(
      /^Uploaded Loom 0\.1\.0's runtime with Node\.js v\d+\.\d+\.\d+ \(linux-(x64|arm64)\) to webhdfs:\/\/\S+ \(3 files, \d+ bytes\)\.$/m,
    );
    const libDirs = /^ {2}(-Dyarn\.provided\.lib\.dirs=(\S+))$/m.exec(upload.stdout)!;
    const runtimeDir = libDirs[2];
    expect(runtimeDir).toMatch(new RegExp(`^${target}/loom-0\\.1\\.0-[0-9a-f]{12}$`));

    // Again: same content, nothing uploaded, HDFS unchanged.
    const beforeAgain = await hdfsFiles(k);
    const again = await k.loom(['upload-runtime', target]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`is already in ${runtimeDir}, unchanged: nothing uploaded.`);
    expect(again.stdout).toContain(`  ${libDirs[1]}`);
    expect(await hdfsFiles(k)).toEqual(beforeAgain);

    // Extra files in the provided dirs reach the containers, nested names included.
    await k.fs.mkdirs('/apps/extra/lib/deep', { permission: '755' });
    await k.fs.create('/apps/extra/lib/deep/a.txt', Buffer.from('from a provided dir'), { permission: '644' });
    const dirs = `${runtimeDir};/apps/extra`;

    // First session: writes only its configuration and secret.
    const before = await hdfsFiles(k);
    const first = await k.loom(['yarn-session', '-d', `-Dyarn.provided.lib.dirs=${dirs}`]);
    expect(first.code, first.stderr).toBe(0);
    const appId = applicationIdIn(first.stdout);
    const wrote = written(before, await hdfsFiles(k));
    console.log(`what the first submission wrote to HDFS:\n${wrote.map(([p, s]) => `  ${p} ${s} bytes`).join('\n')}`);
    const staging = `/user/${k.user}/.loom/${appId}`;
    expect(wrote.map(([p]) => p)).toEqual([`${staging}/loom-conf.yaml`, `${staging}/loom-secret`]);
    expect(wrote.every(([, size]) => size > 0 && size < 10_000)).toBe(true);
    expect(first.stderr).toContain(`using the Loom 0.1.0 runtime provided in ${runtimeDir}`);

    // The node localized the runtime, the node binary, the manifest and the extra file into its PUBLIC cache.
    const cached = await publicCache(k);
    expect(cached.map((c) => c.split('/')[1]).sort()).toEqual([
      'a.txt',
      expect.stringMatching(/^loom-node-[0-9a-f]{20}$/),
      expect.stringMatching(/^loom-runtime-[0-9a-f]{20}\.tar\.gz$/),
      'loom-runtime.json',
    ]);
    const nodeInCache = await realpath(
      join(
        k.cluster.dir,
        'nm-0',
        'local',
        'filecache',
        cached.find((c) => c.includes('/loom-node-'))!,
      ),
    );

    // A job starts a TaskExecutor: it and the AM run the shipped binary, by relative path, with no node on PATH.
    const job = await k.loom(['run', '-c', 'readShipped', '-p', '1', JOBS, 'lib/deep/a.txt']);
    expect(job.code, job.stderr).toBe(0);
    expect(JSON.parse(job.stdout)).toEqual([['from a provided dir']]);
    const slow = k.spawnLoom(['run', '-c', 'slow', '-p', '1', JOBS, '4000']);
    const te = await k.waitFor('a running TaskExecutor', async () => (await loomProcesses(k, 'taskexecutor/main.js'))[0]);
    const am = (await loomProcesses(k, 'appmaster/main.js'))[0];
    for (const p of [am, te]) {
      expect(p.exe).toBe(nodeInCache);
      expect(p.exe).not.toBe(await realpath(process.execPath));
      // Not what the container's PATH (bash's default on the mini NM) would find, if it finds one at all.
      expect(p.exe).not.toBe(await nodeOnPath(p.path));
    }
    const amScript = await readFile(join(k.cluster.nodes[0].containerLogDir(amContainerId(appId)), 'launch_container.sh'), 'utf8');
    expect(amScript).toMatch(
      /^exec \/bin\/bash -c "MALLOC_ARENA_MAX=\\\$\{MALLOC_ARENA_MAX:-4\} \.\/loom-node --max-old-space-size=\d+ loom-runtime\/dist\/appmaster\/main\.js /m,
    );
    expect((await slow.exited).code).toBe(0);
    await stopSession(k, appId);

    // Second session: the PUBLIC cache already holds the runtime, so only its own files are localized.
    const before2 = await hdfsFiles(k);
    const second = await k.loom(['yarn-session', '-d', `-Dyarn.provided.lib.dirs=${dirs}`]);
    expect(second.code, second.stderr).toBe(0);
    const appId2 = applicationIdIn(second.stdout);
    expect(written(before2, await hdfsFiles(k)).map(([p]) => p)).toEqual([
      `/user/${k.user}/.loom/${appId2}/loom-conf.yaml`,
      `/user/${k.user}/.loom/${appId2}/loom-secret`,
    ]);
    expect(await publicCache(k)).toEqual(cached);
    // 4 PUBLIC resources cached, 2 APPLICATION ones (configuration, secret) fetched.
    expect(await localizationCounters(k, amContainerId(appId2))).toEqual({ filesMissed: 2, filesCached: 4 });
    await stopSession(k, appId2);
  }, 240_000);

  it('refuses a provided dir that is missing, lacks the runtime, or is not readable by all, before submitting or writing anything', async () => {
    const k = kit();
    await k.fs.mkdirs('/apps/no-runtime', { permission: '755' });
    await k.fs.create('/apps/no-runtime/a.js', Buffer.from('a'), { permission: '644' });
    await k.fs.mkdirs('/apps/closed', { permission: '755' });
    await k.fs.create('/apps/closed/loom-runtime.json', Buffer.from('{}'), { permission: '600' });
    const cases: [string, RegExp][] = [
      [
        '/apps/missing',
        /provided lib dir \/apps\/missing \(yarn\.provided\.lib\.dirs\) does not exist: check the path, or put Loom's runtime there with "loom upload-runtime webhdfs:\/\/[^"]+\/apps"/,
      ],
      [
        '/apps/no-runtime',
        /none of the provided lib dirs \(\/apps\/no-runtime\) holds Loom's runtime .*: put it on HDFS with "loom upload-runtime hdfs:\/\/<dir>"/,
      ],
      [
        '/apps/closed',
        /provided lib dir \/apps\/closed is not readable by all users: \/apps\/closed\/loom-runtime\.json \(600\); .* run "hdfs dfs -chmod -R o\+rX \/apps\/closed"/,
      ],
    ];
    const apps = (await k.yarn.getApplications()).length;
    const before = await hdfsFiles(k);
    for (const [dir, message] of cases) {
      const r = await k.loom(['yarn-session', '-d', `-Dyarn.provided.lib.dirs=${dir}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(await hdfsFiles(k)).toEqual(before);
    expect(await k.yarn.getApplications()).toHaveLength(apps);
  }, 60_000);
});
