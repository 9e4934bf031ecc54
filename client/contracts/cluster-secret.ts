/**
 * The per-cluster secret: only the submitting client (and whoever can read the owner-only file in
 * the staging dir or the properties file) gets it. The REST API and TaskExecutor registration
 * check it; YARN's web proxy never sees it, so the dashboard behind the proxy stays read-only.
 */
import { LoomError } from '../errors/loom-error.js';
import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: safe in HTTP headers, file contents and properties files as is. */
export function newClusterSecret(): string {
  return randomBytes(32).toString('base64url');
}

export class ClusterSecretError extends LoomError {
  static override readonly code: string = 'CLUSTER_SECRET_INVALID';
  override name = 'ClusterSecretError';
}

/** A secret read back from a file: one line, the characters newClusterSecret produces. */
export function parseClusterSecret(text: string, source: string): string {
  const secret = text.trim();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(secret)) {
    throw new ClusterSecretError(`${source} does not hold a Loom cluster secret; it is written by yarn-session, do not edit it`);
  }
  return secret;
}
