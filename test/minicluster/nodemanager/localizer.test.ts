import { lstat, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFixture } from '../../support/fixtures.js';
import {
  LocalizationError,
  type LocalizationSource,
  type SourceFileStatus,
  Localizer,
} from '../../../minicluster/nodemanager/localizer.js';
import type { DownloadEvent, LocalResource } from '../../../minicluster/nodemanager/resource-cache.js';
import { formatLocalizationCounters } from '../../../minicluster/nodemanager/launch-script.js';

const MTIME = 1795461118732; // 2026-11-23T19:11:58.732 (the recorded app-file.txt mtime)

/** The recorded HDFS namespace of localization/ (README): modes, sizes, archives. */
function recordedNamespace(): Map<string, { status: SourceFileStatus; data?: Buffer }> {
  const ns = new Map<string, { status: SourceFileStatus; data?: Buffer }>();
  const dir = (p: string, perm = '755') =>
    ns.set(p, { status: { length: 0, modificationTime: MTIME, permission: perm, owner: 'root', group: 'root', type: 'DIRECTORY' } });
  const file = (p: string, data: Buffer, perm = '644') =>
    ns.set(p, {
      status: { length: data.length, modificationTime: MTIME, permission: perm, owner: 'root', group: 'root', type: 'FILE' },
      data,
    });
  for (const d of ['/', '/fxpub', '/user', '/user/root', '/user/root/fx', '/user/root/fx/loc']) dir(d);
  file('/fxpub/pub-file.txt', Buffer.alloc(20, 'p'));
  file('/fxpub/pub.zip', readFixture('localization/resources/pub.zip'));
  file('/fxpub/secret600.txt', Buffer.alloc(24, 's'), '600');
  file('/user/root/fx/loc/app-file.txt', Buffer.alloc(36, 'a'));
  file('/user/root/fx/loc/fx-loc.sh', readFixture('localization/resources/fx-loc.sh'));
  file('/user/root/fx/loc/priv.tar.gz', readFixture('localization/resources/priv.tar.gz'));
  file('/user/root/fx/fxam.jar', Buffer.alloc(6748, 'j'));
  return ns;
}

function sourceOf(ns: ReturnType<typeof recordedNamespace>): LocalizationSource & { opens: number } {
  const src = {
    opens: 0,
    async stat(path: string) {
      const e = ns.get(path);
      if (!e) throw new Error(`File does not exist: ${path}`);
      return e.status;
    },
    async open(path: string) {
      src.opens++;
      return Readable.from([ns.get(path)!.data!]);
    },
  };
  return src;
}

function res(
  file: string,
  type: LocalResource['type'],
  visibility: LocalResource['visibility'],
  extra: Partial<LocalResource> = {},
): LocalResource {
  return { url: { scheme: 'hdfs', host: '127.0.0.1', port: 9000, file }, size: 0, timestamp: MTIME, type, visibility, ...extra };
}

// App 1's resources (README localization/), in the order the NM localized them.
const APP1_RESOURCES: [string, LocalResource][] = [
  ['fx-loc.sh', res('/user/root/fx/loc/fx-loc.sh', 'FILE', 'APPLICATION')],
  ['app-file.txt', res('/user/root/fx/loc/app-file.txt', 'FILE', 'APPLICATION')],
  ['fxam.jar', res('/user/root/fx/fxam.jar', 'FILE', 'APPLICATION')],
  ['priv.tgz', res('/user/root/fx/loc/priv.tar.gz', 'ARCHIVE', 'PRIVATE')],
  ['pub-file.txt', res('/fxpub/pub-file.txt', 'FILE', 'PUBLIC')],
  ['pub.zip', res('/fxpub/pub.zip', 'ARCHIVE', 'PUBLIC')],
];

function modeString(mode: number, isDir: boolean): string {
  const bits = 'rwxrwxrwx';
  return (isDir ? 'd' : '-') + Array.from(bits, (c, i) => (mode & (1 << (8 - i)) ? c : '-')).join('');
}

/** `find` of filecache/ and usercache/ as the recorded tree files list them: mode, size, path. */
async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const st = await lstat(join(root, rel));
    const isDir = st.isDirectory();
    out.push(`${modeString(st.mode & 0o777, isDir)} ${isDir ? '' : st.size} ${rel}`);
    if (isDir) for (const n of (await readdir(join(root, rel))).sort()) await walk(`${rel}/${n}`);
  };
  for (const top of ['filecache', 'usercache']) await walk(`./${top}`);
  return out.sort();
}

function recordedTree(file: string): string[] {
  return readFixture(file)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => /^(\S+) \S+\s+(\d+) (.*)$/.exec(l)!)
    .filter((m) => m[3] !== '.')
    .map((m) => `${m[1]} ${m[1].startsWith('d') ? '' : m[2]} ${m[3]}`)
    .sort();
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-loc-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const APP1 = 'application_1795460840938_0004';
const APP2 = 'application_1795460840938_0005';

describe('localizer', () => {
  it('lays out app 1 as recorded (paths, modes, sizes) with the recorded counters', async () => {
    const loc = new Localizer(root, sourceOf(recordedNamespace()));
    const r = await loc.localize({
      user: 'root',
      appId: APP1,
      containerId: `container_1795460840938_0004_01_000001`,
      resources: APP1_RESOURCES,
    });
    expect(await tree(root)).toEqual(recordedTree('localization/nm-local-tree-after-app1.txt'));
    const c = formatLocalizationCounters(r.counters).split(',');
    expect(c.slice(0, 4).join(',')).toBe('8332,0,6,0'); // recorded LOCALIZATION_COUNTERS of app 1
    // Link targets as in the recorded app1-launch_container.sh (its local dir replaced by ours).
    const script = readFixture('localization/app1-launch_container.sh').toString('utf8');
    for (const { path, link } of r.links) {
      expect(script).toContain(`ln -sf -- "${path.replace(root, '/hadoop/data/nm-local')}" "${link}"`);
    }
    // Scripts inside both archives stay executable and readable.
    expect((await stat(join(root, 'usercache/root/filecache/10/priv.tar.gz/privdir/sub/run.sh'))).mode & 0o777).toBe(0o500);
    expect(await readFile(join(root, 'filecache/11/pub.zip/zipdir/hello.txt'), 'utf8')).toHaveLength(22);
  });

  it('second application: PUBLIC and PRIVATE are cache hits, APPLICATION downloaded again', async () => {
    const source = sourceOf(recordedNamespace());
    const loc = new Localizer(root, source);
    const downloads: DownloadEvent[] = [];
    await loc.localize({ user: 'root', appId: APP1, containerId: 'c1', resources: APP1_RESOURCES });
    loc.cache.on('download', (e: DownloadEvent) => downloads.push(e));
    const opensBefore = source.opens;
    const r = await loc.localize({ user: 'root', appId: APP2, containerId: 'c2', resources: APP1_RESOURCES });
    expect(formatLocalizationCounters(r.counters).split(',').slice(0, 4).join(',')).toBe('8159,173,3,3'); // recorded app 2
    expect(downloads.map((d) => d.visibility)).toEqual(['APPLICATION', 'APPLICATION', 'APPLICATION']);
    expect(source.opens - opensBefore).toBe(3);
    expect(await tree(root)).toEqual(recordedTree('localization/nm-local-tree-after-app2.txt'));
  });

  it('concurrent requests for the same PUBLIC resource download it once', async () => {
    const source = sourceOf(recordedNamespace());
    const loc = new Localizer(root, source);
    const one = [APP1_RESOURCES[5]];
    const [a, b] = await Promise.all([
      loc.localize({ user: 'root', appId: APP1, containerId: 'c1', resources: one }),
      loc.localize({ user: 'other', appId: APP2, containerId: 'c2', resources: one }),
    ]);
    expect(source.opens).toBe(1);
    expect(a.links[0].path).toBe(b.links[0].path);
  });

  it('refuses a changed timestamp with the recorded text', async () => {
    const loc = new Localizer(root, sourceOf(recordedNamespace()));
    const bad = res('/user/root/fx/loc/app-file.txt', 'FILE', 'APPLICATION', { timestamp: MTIME + 1 });
    const err = await loc
      .localize({ user: 'root', appId: APP1, containerId: 'c1', resources: [['app-file.txt', bad]] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalizationError);
    const recorded = readFixture('localization/refuse-timestamp-plus1ms-final-diagnostics-exact.txt').toString('utf8');
    const recordedMessage = /\]([^\n]*)\n/.exec(recorded)![1];
    const currentTime = /current time: "([^"]+)"/;
    expect((err as LocalizationError).message.replace(currentTime, '')).toBe(recordedMessage.replace(currentTime, ''));
    expect((err as LocalizationError).message).toMatch(/current time: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000"$/);
    expect(
      (err as LocalizationError).diagnostics.startsWith(
        `${(err as LocalizationError).message}\njava.io.IOException: ${(err as LocalizationError).message}\n`,
      ),
    ).toBe(true);
  });

  it('refuses a non-public PUBLIC resource with the recorded text', async () => {
    const loc = new Localizer(root, sourceOf(recordedNamespace()));
    const secret = res('/fxpub/secret600.txt', 'FILE', 'PUBLIC', { timestamp: MTIME });
    const cid = 'container_1795460840938_0006_01_000001';
    const err = (await loc
      .localize({ user: 'root', appId: APP1, containerId: cid, resources: [['s', secret]] })
      .catch((e: unknown) => e)) as LocalizationError;
    const recorded = readFixture('localization/refuse-public600-final-diagnostics-exact.txt').toString('utf8');
    const entry = /Diagnostics: \[[^\]]+\](.*)\n/.exec(recorded)![1];
    expect(err.kind).toBe('NOT_PUBLIC');
    expect(err.diagnostics.replace(/\],\d+,DOWNLOADING/, '],N,DOWNLOADING')).toBe(
      entry.replace('1795461121842', String(MTIME)).replace(/\],\d+,DOWNLOADING/, '],N,DOWNLOADING'),
    );
  });

  it('refuses a PUBLIC resource under a directory that is not world-executable', async () => {
    const ns = recordedNamespace();
    ns.get('/fxpub')!.status.permission = '750';
    const loc = new Localizer(root, sourceOf(ns));
    const err = (await loc
      .localize({ user: 'root', appId: APP1, containerId: 'c', resources: [APP1_RESOURCES[4]] })
      .catch((e: unknown) => e)) as LocalizationError;
    expect(err.message).toBe(
      'Resource hdfs://127.0.0.1:9000/fxpub/pub-file.txt is not publicly accessible and as such cannot be part of the public cache.',
    );
  });

  it('accepts a wrong size (size + 1), as Hadoop 3.3.6 does', async () => {
    const loc = new Localizer(root, sourceOf(recordedNamespace()));
    const r = await loc.localize({
      user: 'root',
      appId: APP1,
      containerId: 'c',
      resources: [['app-file.txt', res('/user/root/fx/loc/app-file.txt', 'FILE', 'APPLICATION', { size: 37 })]],
    });
    expect((await stat(r.links[0].path)).size).toBe(36);
  });

  it('cleans up the appcache of a finished application; a later request downloads again', async () => {
    const source = sourceOf(recordedNamespace());
    const loc = new Localizer(root, source);
    await loc.localize({ user: 'root', appId: APP1, containerId: 'c', resources: APP1_RESOURCES.slice(0, 1) });
    await loc.cleanupApplication('root', APP1);
    await expect(stat(join(root, 'usercache/root/appcache', APP1))).rejects.toThrow();
    await loc.localize({ user: 'root', appId: APP1, containerId: 'c', resources: APP1_RESOURCES.slice(0, 1) });
    expect(source.opens).toBe(2);
  });
});
