import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packDirectoryTarGz } from '../../../../client/hadoop/archive/archive-pack.js';
import { ArchiveError, unpackArchive } from '../../../../client/hadoop/archive/archive-unpack.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-pack-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('packDirectoryTarGz', () => {
  it('round-trips files, empty directories, long names, modes and followed links through unpackArchive', async () => {
    const src = join(dir, 'src');
    const longDir = 'd'.repeat(60) + '/' + 'e'.repeat(60);
    await mkdir(join(src, longDir), { recursive: true });
    await mkdir(join(src, 'empty'));
    await mkdir(join(src, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(src, 'index.mjs'), 'export const a = 1;\n');
    await writeFile(join(src, longDir, 'f'.repeat(90) + '.txt'), 'long');
    await writeFile(join(src, 'node_modules', 'dep', 'index.js'), Buffer.alloc(70_000, 7));
    await writeFile(join(src, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(src, 'run.sh'), 0o755);
    await writeFile(join(dir, 'outside.txt'), 'from outside');
    await symlink(join(dir, 'outside.txt'), join(src, 'link-out.txt'));
    await symlink('index.mjs', join(src, 'link-in.mjs'));
    await symlink(join(dir, 'missing'), join(src, 'dangling'));

    const archive = join(dir, 'b.tar.gz');
    const packed = await packDirectoryTarGz(src, archive);
    expect(packed.skippedLinks).toEqual(['dangling']);
    expect(packed.contentBytes).toBe(20 + 4 + 70_000 + 10 + 12 + 20);

    const out = join(dir, 'out');
    const written = await unpackArchive('b.tar.gz', 'tar.gz', await readFile(archive), out);
    expect(written).toContain(`${longDir}/${'f'.repeat(90)}.txt`);
    expect(written).toContain('empty');
    expect(await readFile(join(out, longDir, 'f'.repeat(90) + '.txt'), 'utf8')).toBe('long');
    expect((await readFile(join(out, 'node_modules', 'dep', 'index.js'))).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(await readFile(join(out, 'link-out.txt'), 'utf8')).toBe('from outside');
    // Links are stored as what they point to: regular files in the archive.
    await expect(readlink(join(out, 'link-in.mjs'))).rejects.toThrow();
    expect(await readFile(join(out, 'link-in.mjs'), 'utf8')).toBe('export const a = 1;\n');
    expect((await stat(join(out, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'empty'))).isDirectory()).toBe(true);
  });

  it('writes an archive that GNU/BSD tar lists the same way', async () => {
    if (!hasTar()) return;
    const src = join(dir, 'src');
    const longName = 'x'.repeat(150) + '.js';
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'sub', longName), 'x');
    await writeFile(join(src, 'a.mjs'), 'a');
    const archive = join(dir, 'b.tar.gz');
    await packDirectoryTarGz(src, archive);
    const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listed).toEqual(['a.mjs', 'sub/', `sub/${longName}`].sort());
  });

  it('applies the filter and refuses directory cycles and non-directories', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, '.git'), { recursive: true });
    await writeFile(join(src, '.git', 'HEAD'), 'ref');
    await writeFile(join(src, 'keep.js'), 'k');
    const archive = join(dir, 'f.tar.gz');
    const packed = await packDirectoryTarGz(src, archive, { filter: (p) => !p.startsWith('.git') });
    expect(packed.entries).toBe(1);
    expect(await unpackArchive('f', 'tar.gz', await readFile(archive), join(dir, 'o'))).toEqual(['keep.js']);

    await symlink('..', join(src, 'loop'));
    await expect(packDirectoryTarGz(src, join(dir, 'c.tar.gz'))).rejects.toThrow(/cycle/);
    await expect(packDirectoryTarGz(join(src, 'keep.js'), join(dir, 'd.tar.gz'))).rejects.toBeInstanceOf(ArchiveError);
  });
});
