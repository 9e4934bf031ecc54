// The default without provided lib dirs, end to end on a one-node mini cluster: the first session
// uploads the runtime archive and this client's Node.js binary to .loom/runtime/ (besides its
// configuration and secret), and its AM runs that binary from the user's PRIVATE cache; a second
// session uploads only its configuration and secret and localizes nothing new.
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationIdIn } from '../session-kit.js';
import {
  amContainerId,
  cachedFile,
  hdfsFiles,
  localizationCounters,
  loomProcesses,
  nodeOnPath,
  useShippedNodeKit,
  stopSession,
  written,
} from './runtime-e2e-kit.js';

const kit = useShippedNodeKit();

describe('a session with loom.node.path unset and no provided lib dirs', () => {
  it("ships this client's node once; the AM runs it; the next session reuses everything", async () => {
    const k = kit();
    const before = await hdfsFiles(k);
    const first = await k.loom(['yarn-session', '-d'], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    const appId = applicationIdIn(first.stdout);
    const home = `/user/${k.user}/.loom`;
    const wrote = written(before, await hdfsFiles(k));
    expect(wrote.map(([p]) => p)).toEqual([
      `${home}/${appId}/loom-conf.yaml`,
      `${home}/${appId}/loom-secret`,
      expect.stringMatching(new RegExp(`^${home}/runtime/loom-node-[0-9a-f]{20}$`)),
      expect.stringMatching(new RegExp(`^${home}/runtime/loom-runtime-[0-9a-f]{20}\\.tar\\.gz$`)),
    ]);
    const nodeSize = wrote.find(([p]) => p.includes('/loom-node-'))![1];
    expect(nodeSize).toBe((await stat(await realpath(process.execPath))).size);
    expect(first.stderr).toMatch(/uploaded Node\.js v\d+\.\d+\.\d+ \(linux-(x64|arm64)\) to /);

    const privateCache = join(k.cluster.dir, 'nm-0', 'local', 'usercache', k.user, 'filecache');
    const shipped = await cachedFile(privateCache, /^loom-node-[0-9a-f]{20}$/);
    expect(shipped).toBeDefined();
    const [am] = await loomProcesses(k, 'appmaster/main.js');
    expect(am.exe).toBe(shipped);
    expect(am.exe).not.toBe(await nodeOnPath(am.path));
    await stopSession(k, appId);

    const before2 = await hdfsFiles(k);
    const second = await k.loom(['yarn-session', '-d']);
    expect(second.code, second.stderr).toBe(0);
    const appId2 = applicationIdIn(second.stdout);
    expect(written(before2, await hdfsFiles(k)).map(([p]) => p)).toEqual([
      `${home}/${appId2}/loom-conf.yaml`,
      `${home}/${appId2}/loom-secret`,
    ]);
    expect(second.stderr).toMatch(/reusing Node\.js v\S+ \(linux-\w+\) /);
    // Runtime archive and node from the PRIVATE cache; configuration and secret fetched.
    expect(await localizationCounters(k, amContainerId(appId2))).toEqual({ filesMissed: 2, filesCached: 2 });
    await stopSession(k, appId2);
  }, 180_000);
});
