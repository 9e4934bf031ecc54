import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The cluster secret as the dispatcher checks it in `Authorization: Bearer <secret>`. Both sides
 * are hashed to equal-length digests and compared with timingSafeEqual, so neither the content nor
 * the length of the secret leaks through response timing.
 */
export class BearerSecret {
  private readonly digest: Buffer;

  constructor(secret: string) {
    if (secret.length < 16)
      throw new Error(
        'the cluster secret is missing or shorter than 16 characters; generate one with newClusterSecret() (client/contracts/cluster-secret.ts)',
      );
    this.digest = sha256(secret);
  }

  /** The token of an `Authorization: Bearer <token>` header; undefined for anything else. */
  static tokenOf(header: string | undefined): string | undefined {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    return m?.[1];
  }

  /** Constant-time check of a presented token. */
  matches(presented: string): boolean {
    return timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
