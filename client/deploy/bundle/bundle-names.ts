/**
 * A bundle's files as the user knows them. TaskExecutors report a task's stack frames relative to
 * the bundle (taskexecutor/bundle-frames.ts): a single-file bundle by the name it was uploaded
 * under (`throws-8394da82d297.mjs`, the content hash added by packBundle), a directory bundle by
 * the path inside it (`lib/parse.mjs`). The client that packed the bundle maps them back to the
 * path the user gave (`throws.mjs`, `jobs/lib/parse.mjs`).
 */
import { join } from 'node:path';
import type { PackedBundle } from './bundle-pack.js';

export interface BundleNames {
  /** A bundle-relative location as the user knows it. */
  path(relative: string): string;
  /** Text (an error message) with the uploaded file's name replaced by the user's. */
  text(s: string): string;
}

/** For a bundle the client did not pack (already on HDFS): the names as the TaskExecutor reports them. */
export const UPLOADED_NAMES: BundleNames = { path: (p) => p, text: (s) => s };

export function bundleNames(packed: Pick<PackedBundle, 'description' | 'uploadName'>, userPath: string): BundleNames {
  if (packed.description.kind === 'archive') return { path: (p) => join(userPath, p), text: (s) => s };
  const uploaded = packed.uploadName;
  return {
    path: (p) => (p === uploaded ? userPath : p),
    text: (s) => s.split(uploaded).join(userPath),
  };
}
