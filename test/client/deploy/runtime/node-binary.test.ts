import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binaryKind, describeNodeBinary, nodeBinaryForCluster, ownPlatform } from '../../../../client/deploy/runtime/node-binary.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-node-binary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An ELF header: class, byte order, OS ABI, type and machine as given; the rest zero. */
function elf(opts: { cls?: number; data?: number; abi?: number; type?: number; machine: number }): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = opts.cls ?? 2;
  b[5] = opts.data ?? 1;
  b[6] = 1;
  b[7] = opts.abi ?? 0;
  b.writeUInt16LE(opts.type ?? 2, 16);
  b.writeUInt16LE(opts.machine, 18);
  return b;
}

describe('binaryKind (ELF header)', () => {
  it('knows Linux x86-64 and AArch64 executables, shared-object (PIE) ones too', () => {
    expect(binaryKind(elf({ machine: 62 })).platform).toBe('linux-x64');
    expect(binaryKind(elf({ machine: 183, type: 3 })).platform).toBe('linux-arm64');
    expect(binaryKind(elf({ machine: 62, abi: 3 })).platform).toBe('linux-x64');
  });

  it('refuses what YARN nodes cannot run, saying what it is', () => {
    expect(binaryKind(elf({ machine: 40, cls: 1 }))).toEqual({ description: 'a Linux ELF 32-bit executable for ARM (32-bit)' });
    expect(binaryKind(elf({ machine: 243 })).platform).toBeUndefined();
    expect(binaryKind(elf({ machine: 62, abi: 9 })).description).toMatch(/OS ABI 9/);
    expect(binaryKind(elf({ machine: 62, type: 1 })).description).toMatch(/not an executable \(type 1\)/);
    const macho = Buffer.alloc(64);
    macho.writeUInt32BE(0xcffaedfe, 0);
    expect(binaryKind(macho)).toEqual({ description: 'a macOS Mach-O binary' });
    expect(binaryKind(Buffer.from('MZ\x90\x00'))).toEqual({ description: 'a Windows executable' });
    expect(binaryKind(Buffer.from('#!/usr/bin/env node\n'))).toEqual({ description: 'a script (#!), not a Node.js binary' });
  });
});

describe('nodeBinaryForCluster', () => {
  it("ships this client's own binary on linux, named by the hash of its bytes, with its version", async () => {
    const platform = ownPlatform();
    if (!platform) throw new Error('these tests run on linux-x64 or linux-arm64');
    const b = await nodeBinaryForCluster({ cacheDir: dir });
    expect(b.platform).toBe(platform);
    expect(b.version).toBe(process.version);
    expect(b.fileName).toBe(`loom-node-${b.hash.slice(0, 20)}`);
    expect(describeNodeBinary(b)).toBe(`Node.js ${process.version} (${platform})`);
    // The hash is cached (path, size, mtime): the second call reads it back.
    const cached = await readdir(join(dir, 'node'));
    expect(cached).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, 'node', cached[0]), 'utf8')).hash).toBe(b.hash);
  });

  it('hashes a given binary; its version stays unknown when it does not run here', async () => {
    const bytes = Buffer.concat([elf({ machine: 183, type: 3 }), Buffer.from('pretend code')]);
    const given = join(dir, 'node-arm64');
    await writeFile(given, bytes);
    await chmod(given, 0o755);
    const b = await nodeBinaryForCluster({ given, cacheDir: dir });
    expect(b.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(b.size).toBe(bytes.length);
    expect(b.platform).toBe('linux-arm64');
    if (ownPlatform() !== 'linux-arm64') expect(b.version).toBeUndefined();
    expect(describeNodeBinary(b)).toMatch(/^Node.js (v\S+ )?\(linux-arm64\)$/);
  });

  it('refuses a binary for another OS, a script, or a missing file, naming it and where to get one', async () => {
    const macho = join(dir, 'node-mac');
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0xcffaedfe, 0);
    await writeFile(macho, header);
    await expect(nodeBinaryForCluster({ given: macho, cacheDir: dir })).rejects.toThrow(
      new RegExp(
        `the Node.js binary ${macho} \\(--node / loom.node.binary\\) is a macOS Mach-O binary; YARN nodes need a Linux ELF 64-bit executable for x86-64 or AArch64, from https://nodejs.org/dist/`,
      ),
    );
    const script = join(dir, 'node.sh');
    await writeFile(script, '#!/bin/sh\nexec node "$@"\n');
    await expect(nodeBinaryForCluster({ given: script, cacheDir: dir })).rejects.toThrow(/is a script \(#!\), not a Node.js binary/);
    await expect(nodeBinaryForCluster({ given: join(dir, 'nope'), cacheDir: dir })).rejects.toThrow(
      /nope \(--node \/ loom.node.binary\) cannot be read: .*ENOENT/,
    );
    await expect(nodeBinaryForCluster({ given: dir, cacheDir: dir })).rejects.toThrow(/cannot be read: not a file/);
  });
});
