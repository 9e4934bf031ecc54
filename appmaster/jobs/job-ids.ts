/**
 * Job ids: 32 lower-case hex digits. Random for jobs that come from outside (REST), and derived
 * from the submission order in application mode, where main() runs again in every AM attempt and
 * its n-th job must find the n-th job of the earlier attempt (finished: its stored result; still
 * running: the job the new attempt took over) instead of starting another.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

/** 32 lower-case hex digits; clients check the same before asking. */
export { isJobId } from '../../client/contracts/job-id-format.js';

/** The id of main()'s `n`-th job (from 1) in application `applicationId`: `<appId>-job-<n>`, hashed. */
export function applicationJobId(applicationId: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`job numbers start at 1, got ${n}`);
  return createHash('sha256').update(`${applicationId}-job-${n}`).digest('hex').slice(0, 32);
}
