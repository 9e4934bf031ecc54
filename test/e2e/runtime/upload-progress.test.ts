// A submission's uploads as a log shows them (stderr is a pipe here): one line when a file of
// 1 MiB or more (a 2 MiB ship file here) has gone to HDFS, with its size, time and rate; none for
// the small ones (configuration, secret, and the runtime archive, which is the bundles, under 1 MiB);
// and nothing of the kind with --quiet.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';
import { stopSession } from './runtime-e2e-kit.js';

const MIB = 1024 * 1024;
const SHIP_FILE_LINE = /^uploaded (ship-2mib\.bin): (\d+\.\d) MiB in \d+\.\d s \(\d+\.\d MiB\/s\)$/m;

let kit: SessionKit;
let dir: string;
let shipFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-upload-progress-'));
  shipFile = join(dir, 'ship-2mib.bin');
  await writeFile(shipFile, randomBytes(2 * MIB));
  kit = await startSessionKit({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
  await kit?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('upload progress of a submission', () => {
  it('yarn-session prints the upload line of a large file on a pipe, and none with --quiet', async () => {
    // Each staging directory has its own runtime dir, so both sessions upload the archive.
    const quiet = await kit.loom(['yarn-session', '-d', '--quiet', '-t', shipFile, '-D', 'yarn.staging-directory=/quiet'], {
      timeoutMs: 120_000,
    });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toMatch(/uploaded Loom's runtime to /);
    expect(quiet.stderr).not.toMatch(/^uploaded \S+: /m);
    await stopSession(kit, applicationIdIn(quiet.stdout));

    const loud = await kit.loom(['yarn-session', '-d', '-t', shipFile, '-D', 'yarn.staging-directory=/loud'], { timeoutMs: 120_000 });
    expect(loud.code, loud.stderr).toBe(0);
    const line = SHIP_FILE_LINE.exec(loud.stderr);
    expect(line, loud.stderr).not.toBeNull();
    expect(line![2]).toBe('2.0');
    // The configuration, the secret and the runtime archive are under 1 MiB: no line.
    expect(loud.stderr.match(/^uploaded \S+: /gm)).toEqual([line![0].slice(0, line![0].indexOf(':') + 2)]);
    await stopSession(kit, applicationIdIn(loud.stdout));
  }, 300_000);
});
