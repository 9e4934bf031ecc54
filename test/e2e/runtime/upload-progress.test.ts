// A submission's uploads as a log shows them (stderr is a pipe here): one line when the runtime
// archive (1 MiB or more) has gone to HDFS, with its size, time and rate; none for the small
// configuration and secret; and nothing of the kind with --quiet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';
import { stopSession } from './runtime-e2e-kit.js';

const MIB = 1024 * 1024;
const RUNTIME_LINE = /^uploaded (loom-runtime-[0-9a-f]{20}\.tar\.gz): (\d+\.\d) MiB in \d+\.\d s \(\d+\.\d MiB\/s\)$/m;

let kit: SessionKit;

beforeAll(async () => {
  kit = await startSessionKit({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
  await kit?.stop();
});

describe('upload progress of a submission', () => {
  it('yarn-session prints the runtime archive upload line on a pipe, and none with --quiet', async () => {
    // Each staging directory has its own runtime dir, so both sessions upload the archive.
    const quiet = await kit.loom(['yarn-session', '-d', '--quiet', '-D', 'yarn.staging-directory=/quiet'], { timeoutMs: 120_000 });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toMatch(/uploaded Loom's runtime to /);
    expect(quiet.stderr).not.toMatch(/^uploaded \S+: /m);
    await stopSession(kit, applicationIdIn(quiet.stdout));

    const loud = await kit.loom(['yarn-session', '-d', '-D', 'yarn.staging-directory=/loud'], { timeoutMs: 120_000 });
    expect(loud.code, loud.stderr).toBe(0);
    const line = RUNTIME_LINE.exec(loud.stderr);
    expect(line, loud.stderr).not.toBeNull();
    const archive = await kit.fs.getFileStatus(`/loud/.loom/runtime/${line![1]}`);
    expect(archive.length).toBeGreaterThanOrEqual(MIB);
    expect(line![2]).toBe((archive.length / MIB).toFixed(1));
    // The configuration and the secret are small: no line.
    expect(loud.stderr.match(/^uploaded \S+: /gm)).toEqual([line![0].slice(0, line![0].indexOf(':') + 2)]);
    await stopSession(kit, applicationIdIn(loud.stdout));
  }, 300_000);
});
