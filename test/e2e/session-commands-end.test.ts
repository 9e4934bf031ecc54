// Commands end once their work is done, and find the session a user means: with real processes
// on the mini cluster. `echo detach | yarn-session -id <app>` used to linger ~40 s after printing
// "detached" (a report call in flight when the YARN client closed was retried after a backoff and
// reconnected); every short command must exit within a few seconds of its last output line.
// `loom list` after the newest session was stopped used to say "no Loom session to use" while an
// older one ran: the user's one running session is used (said on stderr), several are listed.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { readSessionProperties, sessionPropertiesPath } from '../../client/deploy/submit/properties-file.js';
import { applicationIdIn, expectPromptExit, ROOT, spawnNodeCli, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');
/** "Promptly": the bound for a command whose work is done. */
const PROMPT_MS = 5000;

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

/** Runs `loom <args>` (stdin given, then closed) and expects it to exit within PROMPT_MS of its last output. */
async function promptly(k: SessionKit, args: string[], stdin = '') {
  const run = k.spawnLoom(args);
  run.child.stdin!.end(stdin);
  return expectPromptExit(run, PROMPT_MS);
}

async function startDetached(k: SessionKit, name: string): Promise<string> {
  const started = await k.loom(['yarn-session', '-d', '-nm', name]);
  expect(started.code, started.stderr).toBe(0);
  return applicationIdIn(started.stdout);
}

describe('short commands end promptly', () => {
  it('yarn-session -id + detach, list, info, cancel and yarn-session -id + stop each exit within 5 s of their last output', async () => {
    kit = await startSessionKit();
    const appId = await startDetached(kit, 'prompt exits');

    const detached = await promptly(kit, ['yarn-session', '-id', appId], 'detach\n');
    expect(detached.code, detached.stderr).toBe(0);
    expect(detached.stdout).toContain(`detached; session ${appId} keeps running`);
    expect((await kit.report(appId)).state).toBe('RUNNING');

    const job = await kit.loom(['run', '-c', 'square', '-p', '1', '-d', JOBS]);
    expect(job.code, job.stderr).toBe(0);
    const jobId = job.stdout.trim();

    const listed = await promptly(kit, ['list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(jobId);

    const info = await promptly(kit, ['info', '-yid', appId]);
    expect(info.code, info.stderr).toBe(0);

    const cancelled = await promptly(kit, ['cancel', jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`job ${jobId} is (FINISHED|CANCELED)`));

    const stopped = await promptly(kit, ['yarn-session', '-id', appId], 'stop\n');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`session ${appId} ended FINISHED/SUCCEEDED`);
  }, 120_000);
});

/**
 * A TCP proxy to `target` whose answers arrive `delayMs` late (in order): a ResourceManager slow to
 * answer, so a command's YARN call is surely in flight when its work is done.
 */
async function slowProxy(target: { host: string; port: number }, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => setTimeout(() => client.writable && client.write(d), delayMs));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('with a ResourceManager slow to answer', () => {
  it('yarn-session -id + detach exits within 5 s of "detached" although its YARN call is still in flight', async () => {
    kit = await startSessionKit();
    const k = kit;
    const appId = await startDetached(k, 'slow RM');
    const rmAddress = k.hadoopConf.get('yarn.resourcemanager.address')!;
    const [host, port] = rmAddress.split(':');
    const proxy = await slowProxy({ host: host, port: Number(port) }, 1500);
    const children = new Set<ChildProcess>();
    try {
      // The same configuration, the client port of the RM behind the proxy.
      const confDir = join(k.dir, 'slow-rm-conf');
      await mkdir(confDir);
      for (const name of await readdir(k.cluster.confDir)) {
        const text = await readFile(join(k.cluster.confDir, name), 'utf8');
        await writeFile(join(confDir, name), text.split(`<value>${rmAddress}</value>`).join(`<value>127.0.0.1:${proxy.port}</value>`));
      }
      const run = spawnNodeCli(
        join(ROOT, 'bin', 'loom.js'),
        ['yarn-session', '-id', appId],
        { env: { ...k.env, HADOOP_CONF_DIR: confDir }, cwd: k.dir },
        children,
      );
      await k.waitFor('the prompt', () => run.stdout().includes('Type "stop"'), 60_000);
      run.child.stdin!.end('detach\n');
      const detached = await expectPromptExit(run, PROMPT_MS);
      expect(detached.code, detached.stderr).toBe(0);
      expect(detached.stdout).toContain(`detached; session ${appId} keeps running`);
    } finally {
      for (const c of children) c.kill('SIGKILL');
      await proxy.close();
    }
    expect((await k.report(appId)).state).toBe('RUNNING');
  }, 120_000);
});

describe('the session loom list, run, cancel and info use', () => {
  it('after the newest session was stopped: the one older running session, said on stderr; several: the candidates and -yid; none: says so', async () => {
    kit = await startSessionKit();
    const k = kit;
    const propertiesFile = sessionPropertiesPath(k.user, k.dir);
    const older = await startDetached(k, 'older');
    const newest = await startDetached(k, 'newest');
    expect((await readSessionProperties(propertiesFile))?.applicationId).toBe(newest);

    // The properties file names the newest while it runs.
    const onNewest = await k.loom(['list']);
    expect(onNewest.code, onNewest.stderr).toBe(0);
    expect(onNewest.stdout).toContain(`session ${newest}: 0 jobs`);

    // Stopping it removes the properties file; the older session still runs and is the one used.
    const stopNewest = await k.loom(['yarn-session', '-id', newest], { stdin: 'stop\n' });
    expect(stopNewest.code, stopNewest.stderr).toBe(0);
    expect(await readSessionProperties(propertiesFile)).toBeUndefined();
    const onOlder = await k.loom(['list']);
    expect(onOlder.code, onOlder.stderr).toBe(0);
    expect(onOlder.stdout).toContain(`session ${older}: 0 jobs`);
    expect(onOlder.stderr).toContain(`using session ${older}, the only Loom session of yours that is running`);
    // A job goes there too, and its secret came from the older session's staging dir.
    const ran = await k.loom(['run', '-c', 'square', '-p', '1', JOBS]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual([expect.objectContaining({ square: 0 })]);
    expect(ran.stderr).toContain(`using session ${older}`);

    // Two running, the properties file naming one that was killed (so the file stays): no guess,
    // the candidates and how to pick.
    const third = await startDetached(k, 'third');
    const fourth = await startDetached(k, 'fourth');
    const killFourth = await k.loom(['yarn', 'application', '-kill', fourth]);
    expect(killFourth.code, killFourth.stderr).toBe(0);
    expect((await readSessionProperties(propertiesFile))?.applicationId).toBe(fourth);
    const ambiguous = await k.loom(['list']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr.trim().split('\n')).toHaveLength(1);
    expect(ambiguous.stderr).toContain(`the properties file names ${fourth}, which has ended (KILLED/KILLED)`);
    expect(ambiguous.stderr).toContain(`2 of yours are running (${older}, ${third})`);
    expect(ambiguous.stderr).toContain('-yid <applicationId>');
    expect(ambiguous.stderr).toContain('loom list-clusters');
    const picked = await k.loom(['list', '-yid', third]);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout).toContain(`session ${third}: 0 jobs`);

    // None running: says so, and how to start or name one.
    for (const id of [older, third]) {
      const stop = await k.loom(['yarn-session', '-id', id], { stdin: 'stop\n' });
      expect(stop.code, stop.stderr).toBe(0);
    }
    const none = await k.loom(['list']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /no Loom session to use \(no properties file at .*\), and none of yours is running: start one with yarn-session/,
    );
  }, 180_000);
});
