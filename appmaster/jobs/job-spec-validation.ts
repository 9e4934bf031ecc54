/**
 * Checks a JobSpec before the job master accepts it: every problem at once, each naming the field
 * and what a good value looks like. The dispatcher validates its REST input too; this is the
 * last line, for specs that come from code (application mode) or a future caller.
 */
import type { JobSpec } from '../cluster-api.js';

export class JobSpecError extends Error {
  override name = 'JobSpecError';
  constructor(readonly problems: string[]) {
    super(`invalid job: ${problems.join('; ')}`);
  }
}

export const MAX_PARALLELISM = 10_000;
/** Arguments travel to every task inside one gRPC message. */
export const MAX_ARGS_JSON_BYTES = 4 * 1024 * 1024;

/** Returns the spec's arguments as JSON text (sent to every task) or throws a JobSpecError. */
export function validateJobSpec(spec: unknown): { spec: JobSpec; argsJson: string } {
  const problems: string[] = [];
  if (typeof spec !== 'object' || spec === null) throw new JobSpecError(['the job spec must be an object with bundle, exportName, parallelism and args']);
  const s = spec as Record<string, unknown>;
  if (s['name'] !== undefined && typeof s['name'] !== 'string') problems.push('name must be a string when given');
  if (typeof s['exportName'] !== 'string' || s['exportName'].trim() === '') {
    problems.push('exportName must name the exported function each task calls (e.g. "run")');
  }
  const p = s['parallelism'];
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAX_PARALLELISM) {
    problems.push(`parallelism must be a whole number from 1 to ${MAX_PARALLELISM} (got ${JSON.stringify(p)})`);
  }
  let argsJson = '[]';
  if (!Array.isArray(s['args'])) problems.push('args must be an array (use [] for none)');
  else {
    try {
      argsJson = JSON.stringify(s['args']);
      if (Buffer.byteLength(argsJson) > MAX_ARGS_JSON_BYTES) {
        problems.push(`args take ${Buffer.byteLength(argsJson)} bytes as JSON; the limit is ${MAX_ARGS_JSON_BYTES}: put large inputs on HDFS and pass their paths`);
      }
    } catch (err) {
      problems.push(`args must be JSON-serialisable (${(err as Error).message})`);
    }
  }
  problems.push(...bundleProblems(s['bundle']));
  if (problems.length) throw new JobSpecError(problems);
  return { spec: spec as JobSpec, argsJson };
}

function bundleProblems(b: unknown): string[] {
  if (typeof b !== 'object' || b === null) return ['bundle must describe the uploaded code: {url, kind, size, modificationTime, entry?}'];
  const r = b as Record<string, unknown>;
  const out: string[] = [];
  if (typeof r['url'] !== 'string' || r['url'].trim() === '') out.push('bundle.url must be the hdfs://, webhdfs:// URL or absolute HDFS path of the bundle');
  if (r['kind'] !== 'file' && r['kind'] !== 'archive') out.push(`bundle.kind must be "file" or "archive" (got ${JSON.stringify(r['kind'])})`);
  if (r['kind'] === 'archive') {
    const entry = r['entry'];
    if (typeof entry !== 'string' || entry === '' || entry.startsWith('/') || entry.split('/').includes('..')) {
      out.push('bundle.entry must name the module inside the archive, relative to its root (e.g. "index.mjs")');
    }
  }
  for (const field of ['size', 'modificationTime']) {
    const v = r[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      out.push(`bundle.${field} must come from GETFILESTATUS after the upload (a whole number >= 0, got ${JSON.stringify(v)})`);
    }
  }
  return out;
}
