/**
 * What a Loom job id looks like: 32 lower-case hex digits (16 random bytes, as Flink's JobID).
 * The AM makes them (appmaster/jobs/job-ids.ts) and refuses any other; clients check an id a
 * person typed before asking a cluster about it.
 */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id);
}
