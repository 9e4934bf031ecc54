// What a person waiting for `loom fs -put` / `-get` sees on stderr: on a terminal a live line with
// the rate and the time left; on a pipe (a real child process) only a line at the end of a file of
// 1 MiB or more; with --quiet nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setQuiet } from '../../../../cli/terminal/quiet-mode.js';
import { LOOM_BIN, startCli, stopAll } from '../../cli-process.js';
import { startFsShellKit, type FsShellKit } from './fs-shell-kit.js';

const MIB = 1024 * 1024;
let kit: FsShellKit;

beforeAll(async () => {
  kit = await startFsShellKit();
  await writeFile(join(kit.local, 'big.bin'), Buffer.alloc(3 * MIB, 7));
  await writeFile(join(kit.local, 'small.txt'), 'hello\n');
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
  await kit?.stop();
});
afterEach(async () => {
  setQuiet(false);
  await stopAll();
});

/** A terminal's stderr: a TTY 160 columns wide that keeps what is written. */
function fakeTty(): PassThrough & { isTTY: true; columns: number; text: () => string } {
  const chunks: string[] = [];
  const s = new PassThrough();
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  return Object.assign(s, { isTTY: true as const, columns: 160, text: () => chunks.join('') });
}

/** A clock that moves 40 ms each time it is read, so rates are measured whatever the real speed. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 40);
}

/** Each drawing of the live line (what follows each "clear the line"). */
function frames(text: string): string[] {
  return text.split('\r\x1b[2K');
}

function loom(...args: string[]) {
  return startCli(LOOM_BIN, args, { HADOOP_USER_NAME: 'root' }, kit.local).exited;
}

describe('loom fs transfer progress', () => {
  it('-put and -get on a terminal: a live line with bytes, rate and time left, removed at the end', async () => {
    const put = fakeTty();
    const r = await kit.fsWith({ stderr: put, now: steppingClock() }, '-put', join(kit.local, 'big.bin'), '/tty.bin');
    expect(r.code, r.err).toBe(0);
    expect(put.text()).toContain('\r\x1b[2Kuploading big.bin: 0 B of 3.0 MiB (0%)');
    expect(frames(put.text())).toContainEqual(
      expect.stringMatching(/^uploading big\.bin: \d+\.\d MiB of 3\.0 MiB \(\d+%\), \d+\.\d MiB\/s, \d+ s left$/),
    );
    expect(put.text().endsWith('\r\x1b[2K')).toBe(true);

    const get = fakeTty();
    const g = await kit.fsWith({ stderr: get, now: steppingClock() }, '-get', '/tty.bin', join(kit.local, 'got.bin'));
    expect(g.code, g.err).toBe(0);
    expect(frames(get.text())).toContainEqual(
      expect.stringMatching(/^downloading tty\.bin: \d+\.\d MiB of 3\.0 MiB \(\d+%\), \d+\.\d MiB\/s, \d+ s left$/),
    );
    expect(get.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('with --quiet nothing is drawn on a terminal', async () => {
    setQuiet(true);
    const tty = fakeTty();
    const r = await kit.fsWith({ stderr: tty, now: steppingClock() }, '-put', join(kit.local, 'big.bin'), '/quiet-tty.bin');
    expect(r.code, r.err).toBe(0);
    expect(tty.text()).toBe('');
  });

  it('on a pipe: one plain line at the end of a file of 1 MiB or more, none for a small file, none with loom --quiet', async () => {
    const fsUri = `fs.defaultFS=${kit.fsUri}`;
    const put = await loom('fs', '-D', fsUri, '-put', 'big.bin', 'small.txt', '/');
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toMatch(/^uploaded big\.bin: 3\.0 MiB in \d+\.\d s \(\d+\.\d MiB\/s\)\n$/);

    const got = await loom('fs', '-D', fsUri, '-get', '/big.bin', 'pipe-got.bin');
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toMatch(/^downloaded big\.bin: 3\.0 MiB in \d+\.\d s \(\d+\.\d MiB\/s\)\n$/);

    const quiet = await loom('--quiet', 'fs', '-D', fsUri, '-put', '-f', 'big.bin', '/');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
