import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * Loads every .proto under proto/hadoop (and proto/cluster) once. The directory is found by
 * walking up from this module, so the same code works from the TypeScript sources (tests),
 * from dist/ and from the archive shipped to containers.
 */
function findProtoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'hadoop'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('cannot find the proto/ directory next to the Loom installation; reinstall Loom');
}

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  const protoDir = findProtoDir();
  const files: string[] = [];
  for (const sub of ['hadoop', 'cluster']) {
    const d = join(protoDir, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.proto')) files.push(join(d, f));
  }
  const r = new protobuf.Root();
  // Imports inside our .proto files are written relative to proto/.
  r.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(protoDir, target));
  r.loadSync(files, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

export function protoDirectory(): string {
  return findProtoDir();
}
