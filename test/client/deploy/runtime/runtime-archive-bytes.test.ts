import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeArchive } from '../../../../client/deploy/runtime/runtime-archive.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-archive-bytes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tiny Loom install: package.json, dist/ and proto/, no dependencies. */
async function install(root: string, fileMode: number): Promise<void> {
  await mkdir(join(root, 'dist', 'appmaster'), { recursive: true });
  await mkdir(join(root, 'proto'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'loom', version: '0.1.0' }));
  await writeFile(join(root, 'dist', 'appmaster', 'main.js'), 'console.log("am")');
  await writeFile(join(root, 'proto', 'a.proto'), 'syntax = "proto3";');
  await writeFile(join(root, 'dist', 'tool.sh'), '#!/bin/sh\n');
  await chmod(join(root, 'dist', 'tool.sh'), 0o755);
  await chmod(join(root, 'dist', 'appmaster', 'main.js'), fileMode);
}

describe('runtime archive bytes', () => {
  it("the same content packs to the same bytes, whatever the files' times and non-executable mode bits", async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await install(a, 0o644);
    await install(b, 0o664);
    const later = new Date(Date.now() + 3_600_000);
    await utimes(join(b, 'dist', 'appmaster', 'main.js'), later, later);
    await utimes(join(b, 'dist'), later, later);
    const first = await runtimeArchive({ loomRoot: a, cacheDir: join(dir, 'cache-a') });
    const second = await runtimeArchive({ loomRoot: b, cacheDir: join(dir, 'cache-b') });
    expect(second.fileName).toBe(first.fileName);
    expect(await readFile(second.path)).toEqual(await readFile(first.path));

    // Other content: another name.
    await writeFile(join(b, 'dist', 'appmaster', 'main.js'), 'console.log("am 2")');
    const third = await runtimeArchive({ loomRoot: b, cacheDir: join(dir, 'cache-b') });
    expect(third.fileName).not.toBe(first.fileName);
  });
});
