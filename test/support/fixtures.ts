import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RELATIVE = 'shared/fixtures/hadoop-3.3.6';

/**
 * The recorded Hadoop 3.3.6 fixtures live in ../shared beside the repository (also on CI). A
 * clone made elsewhere (`git clone /work/main /tmp/x/fresh`) finds them beside the repository it
 * was cloned from; LOOM_FIXTURES_DIR names them explicitly.
 */
function locateFixtures(): string {
  const candidates: string[] = [];
  if (process.env.LOOM_FIXTURES_DIR) candidates.push(resolve(process.env.LOOM_FIXTURES_DIR));
  candidates.push(resolve(REPO, '..', RELATIVE));
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const local = origin.startsWith('file://') ? fileURLToPath(origin) : origin;
    if (local.startsWith('/')) candidates.push(resolve(local, '..', RELATIVE));
  } catch {
    // not a git checkout, or no origin: only the other places
  }
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export const FIXTURES = locateFixtures();

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- recorded JSON: the test names the shape it reads
export function readFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

export interface IpcConnectionFixture {
  port: number;
  description: string;
  segments: { dir: 'c2s' | 's2c'; hex: string }[];
}

/** One direction of a recorded TCP connection, all segments concatenated. */
export function streamBytes(conn: IpcConnectionFixture, dir: 'c2s' | 's2c'): Buffer {
  return Buffer.concat(conn.segments.filter((s) => s.dir === dir).map((s) => Buffer.from(s.hex, 'hex')));
}
