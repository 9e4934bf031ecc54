// What the runtime end-to-end tests share: a session kit whose containers run the node Loom
// ships (loom.node.path unset), and the observations they make: every file on HDFS with its
// size, the NodeManager's caches and localization counters, the executable of container processes.
import { readdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { startSessionKit, type SessionKit } from '../session-kit.js';

/** A one-node session kit without loom.node.path: Loom ships its Node.js binary. */
export async function startShippedNodeKit(): Promise<SessionKit> {
  const kit = await startSessionKit({ nodes: 1 });
  const loomYaml = join(kit.dir, 'loom-conf', 'loom.yaml');
  const text = await readFile(loomYaml, 'utf8');
  await writeFile(
    loomYaml,
    text
      .split('\n')
      .filter((l) => !l.startsWith('loom.node.path:'))
      .join('\n'),
  );
  return kit;
}

/** Registers a fresh shipped-node kit for each test of the file (stopped after it, even on failure); call the result to get it. */
export function useShippedNodeKit(): () => SessionKit {
  let kit: SessionKit | undefined;
  beforeEach(async () => {
    kit = await startShippedNodeKit();
  });
  afterEach(async () => {
    await kit?.stop();
    kit = undefined;
  });
  return () => kit!;
}

/** The AM container of an application's first attempt. */
export function amContainerId(appId: string): string {
  return `${appId.replace('application_', 'container_')}_01_000001`;
}

/** A file localized into a cache dir of the node (`filecache/<n>/<name>`), resolved. */
export async function cachedFile(cacheRoot: string, pattern: RegExp): Promise<string | undefined> {
  for (const n of await readdir(cacheRoot).catch(() => [] as string[])) {
    for (const f of await readdir(join(cacheRoot, n)).catch(() => [] as string[]))
      if (pattern.test(f)) return realpath(join(cacheRoot, n, f));
  }
  return undefined;
}

/** The node a command named `node` would run with this PATH, resolved; undefined when there is none. */
export async function nodeOnPath(path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const found = await realpath(join(dir, 'node')).catch(() => undefined);
    if (found) return found;
  }
  return undefined;
}

/** Every file on HDFS: path -> size. */
export async function hdfsFiles(k: SessionKit): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    for (const st of await k.fs.listStatus(dir)) {
      const p = dir === '/' ? `/${st.pathSuffix}` : `${dir}/${st.pathSuffix}`;
      if (st.type === 'DIRECTORY') await walk(p);
      else out.set(p, st.length);
    }
  };
  await walk('/');
  return out;
}

/**
 * Files the submission wrote: new or changed in `after`, with sizes. The AM's HA store records
 * (`<staging dir>/ha/`, written by the AM once it serves) are not the client's uploads.
 */
export function written(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after]
    .filter(([p, size]) => before.get(p) !== size && !/\/\.loom\/application_\d+_\d+\/ha\//.test(p))
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The NodeManager's PUBLIC cache on disk: one numbered dir per localized resource. */
export async function publicCache(k: SessionKit): Promise<string[]> {
  const root = join(k.cluster.dir, 'nm-0', 'local', 'filecache');
  const out: string[] = [];
  for (const n of await readdir(root).catch(() => [] as string[])) {
    // Checksum files (.<name>.crc) sit next to localized FILEs.
    for (const f of await readdir(join(root, n))) if (!f.startsWith('.')) out.push(`${n}/${f}`);
  }
  return out.sort();
}

/** LOCALIZATION_COUNTERS (bytesMissed,bytesCached,filesMissed,filesCached,ms) of a container, from its launch script copy. */
export async function localizationCounters(k: SessionKit, containerId: string): Promise<{ filesMissed: number; filesCached: number }> {
  const script = await readFile(join(k.cluster.nodes[0].containerLogDir(containerId), 'launch_container.sh'), 'utf8');
  const [, , filesMissed, filesCached] = /export LOCALIZATION_COUNTERS="([^"]*)"/.exec(script)![1].split(',').map(Number);
  return { filesMissed: filesMissed, filesCached: filesCached };
}

/** Pid, executable and command line of the processes running an entry point of Loom's runtime. */
export async function loomProcesses(k: SessionKit, entry: string): Promise<{ pid: number; exe: string; path: string }[]> {
  const out = [];
  for (const pid of await k.processesInCluster()) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.split('\0').some((a) => a.endsWith(entry))) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const path =
      environ
        .split('\0')
        .find((e) => e.startsWith('PATH='))
        ?.slice(5) ?? '';
    out.push({ pid, exe: await readlink(`/proc/${pid}/exe`), path });
  }
  return out;
}

export async function stopSession(k: SessionKit, appId: string): Promise<void> {
  const stopped = await k.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
  expect(stopped.code, stopped.stderr).toBe(0);
  expect(await k.report(appId)).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
}

/** Where the mini cluster's NameNode appends its edit log (one JSON line per namespace change). */
function editLogPath(k: SessionKit): string {
  return join(k.cluster.dir, 'hdfs', 'edits.log');
}

/** The edit log's length now: hdfsWritesSince() reads what comes after. */
export async function editLogOffset(k: SessionKit): Promise<number> {
  return (await readFile(editLogPath(k))).length;
}

export interface HdfsWrite {
  path: string;
  size: number;
  modificationTime: number;
}

/**
 * Every file written since `offset`, from the NameNode's own edit log: also those deleted since
 * (a staging dir an application removed at its end), under their last name (uploads are renamed).
 */
export async function hdfsWritesSince(k: SessionKit, offset: number): Promise<HdfsWrite[]> {
  const log = await readFile(editLogPath(k));
  interface Put {
    id: number;
    parentId: number;
    name: string;
    type: string;
    length: number;
    modificationTime: number;
  }
  const inodes = new Map<number, Put>();
  const touched = new Set<number>();
  let at = 0;
  for (const line of log.toString('utf8').split('\n')) {
    const edit = line ? (JSON.parse(line) as { put?: Put }) : {};
    if (edit.put) {
      inodes.set(edit.put.id, edit.put);
      if (at >= offset && edit.put.type === 'FILE') touched.add(edit.put.id);
    }
    at += Buffer.byteLength(line) + 1;
  }
  const pathOf = (id: number): string => {
    const n = inodes.get(id);
    return !n || n.parentId === 0 ? '' : `${pathOf(n.parentId)}/${n.name}`;
  };
  return [...touched]
    .map((id) => ({ path: pathOf(id), size: inodes.get(id)!.length, modificationTime: inodes.get(id)!.modificationTime }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Launch scripts (NodeManager copies) of every container of an application on the kit's node. */
export async function launchScripts(k: SessionKit, appId: string): Promise<Map<string, string>> {
  const prefix = appId.replace('application_', 'container_') + '_';
  const out = new Map<string, string>();
  for (const c of k.cluster.nodes[0].containerStates()) {
    if (!c.id.startsWith(prefix)) continue;
    out.set(c.id, await readFile(join(k.cluster.nodes[0].containerLogDir(c.id), 'launch_container.sh'), 'utf8'));
  }
  return out;
}
