/**
 * Limits of a job that the AM enforces (appmaster/jobs/job-spec-validation.ts) and that clients
 * check first, so a command line or a ctx.submit() that asks for more fails before any upload.
 */

/** The most tasks one job may have. */
export const MAX_PARALLELISM = 10_000;
