/**
 * The one check of a JobSpec, wherever it comes from (REST POST /jobs, per-job mode's job file,
 * application mode's main(), the HA store): every problem at once, each naming its field and what
 * a good value looks like.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import { MAX_PARALLELISM } from '../../client/program/job-limits.js';
import type { JobSpec } from '../cluster-api.js';
import type { ClusterFileSystem } from '../../client/hadoop/hdfs/cluster-file-system.js';

export class JobSpecError extends LoomError {
  static override readonly code: string = 'JOB_SPEC_INVALID';
  override name = 'JobSpecError';
  constructor(readonly problems: string[]) {
    super(`invalid job: ${problems.join('; ')}`);
  }
}

/** Shared with the clients, which check it before they upload anything. */
export { MAX_PARALLELISM };
/** Arguments travel to every task inside one gRPC message. */
export const MAX_ARGS_JSON_BYTES = 4 * 1024 * 1024;

const TOP_FIELDS = ['name', 'bundle', 'exportName', 'parallelism', 'args'];
const BUNDLE_FIELDS = ['url', 'kind', 'entry', 'size', 'modificationTime'];
const BUNDLE_SCHEMES = ['hdfs', 'webhdfs', 'swebhdfs', 'viewfs'];

/**
 * The spec with only its known fields (args default []) and its arguments as JSON text (sent to
 * every task), or a JobSpecError. `what` names the input in messages (e.g. "the request body").
 * With `fileSystem`, the bundle's URL must also be on the cluster's file system (the job master
 * always checks so: TaskExecutors fetch it on the submitter's behalf); without, only its form.
 */
export function validateJobSpec(
  body: unknown,
  what = 'the job spec',
  fileSystem?: Pick<ClusterFileSystem, 'problemWith'>,
): { spec: JobSpec; argsJson: string } {
  if (body === undefined)
    throw new JobSpecError([
      `${what} is empty: send a JSON JobSpec {"bundle": {...}, "exportName": "...", "parallelism": N, "args": [...]}`,
    ]);
  if (!isObject(body)) throw new JobSpecError([`${what} must be a JSON object (a JobSpec), not ${describe(body)}`]);
  const problems: string[] = [];
  problems.push(...unknownFields(body, TOP_FIELDS, ''));

  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256 || hasControlChars(name))) {
    problems.push(`name must be a string of 1 to 256 printable characters; got ${describe(name)}`);
  }

  const bundle = body.bundle;
  if (bundle === undefined)
    problems.push('bundle is required: {"url": "hdfs://...", "kind": "file"|"archive", "size": N, "modificationTime": N}');
  else if (!isObject(bundle))
    problems.push(`bundle must be an object {"url", "kind", "size", "modificationTime"}; got ${describe(bundle)}`);
  else problems.push(...bundleProblems(bundle, fileSystem));

  const exportName = body.exportName;
  if (typeof exportName !== 'string' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(exportName)) {
    problems.push(`exportName must name an exported function (a JavaScript identifier, or "default"); got ${describe(exportName)}`);
  }

  const parallelism = body.parallelism;
  if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM) {
    problems.push(`parallelism must be a whole number from 1 to ${MAX_PARALLELISM}; got ${describe(parallelism)}`);
  }

  const args = body.args ?? [];
  let argsJson = '[]';
  if (!Array.isArray(args)) problems.push(`args must be a JSON array (each task gets it as task.args); got ${describe(args)}`);
  else {
    try {
      argsJson = JSON.stringify(args);
      const bytes = Buffer.byteLength(argsJson);
      if (bytes > MAX_ARGS_JSON_BYTES)
        problems.push(
          `args take ${bytes} bytes as JSON; the limit is ${MAX_ARGS_JSON_BYTES}: put large inputs on HDFS and pass their paths`,
        );
    } catch (err) {
      problems.push(`args must be JSON-serialisable (${(err as Error).message})`);
    }
  }

  if (problems.length) throw new JobSpecError(problems);
  const b = bundle as Record<string, unknown>;
  const spec: JobSpec = {
    ...(name !== undefined ? { name: name as string } : {}),
    bundle: {
      url: b.url as string,
      kind: b.kind as 'file' | 'archive',
      ...(b.entry !== undefined ? { entry: b.entry as string } : {}),
      size: b.size as number,
      modificationTime: b.modificationTime as number,
    },
    exportName: exportName as string,
    parallelism: parallelism as number,
    args: args as unknown[],
  };
  return { spec, argsJson };
}

function bundleProblems(b: Record<string, unknown>, fileSystem: Pick<ClusterFileSystem, 'problemWith'> | undefined): string[] {
  const problems = unknownFields(b, BUNDLE_FIELDS, 'bundle.');
  const url = b.url;
  if (typeof url !== 'string' || url.length === 0 || url.length > 4096 || /\s/.test(url) || hasControlChars(url)) {
    problems.push(`bundle.url must be a URL on HDFS without spaces (hdfs://..., webhdfs://... or an absolute path); got ${describe(url)}`);
  } else {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
    if (scheme ? !BUNDLE_SCHEMES.includes(scheme) : !url.startsWith('/')) {
      problems.push(
        `bundle.url must be on the cluster's file system (${BUNDLE_SCHEMES.map((s) => `${s}://`).join(', ')} or an absolute path), so every TaskExecutor can fetch it; got ${JSON.stringify(url)}`,
      );
    } else {
      const foreign = fileSystem?.problemWith(url, 'bundle.url');
      if (foreign) problems.push(foreign);
    }
  }
  const kind = b.kind;
  if (kind !== 'file' && kind !== 'archive')
    problems.push(`bundle.kind must be "file" (one ES module) or "archive" (a .tar.gz); got ${describe(kind)}`);
  const entry = b.entry;
  if (kind === 'archive') {
    if (
      typeof entry !== 'string' ||
      entry === '' ||
      entry.startsWith('/') ||
      entry.split(/[\\/]/).includes('..') ||
      hasControlChars(entry)
    ) {
      problems.push(
        `bundle.entry must be the module to import, relative to the archive root without "..", e.g. "index.js"; got ${describe(entry)}`,
      );
    }
  } else if (kind === 'file' && entry !== undefined) {
    problems.push('bundle.entry is only used with bundle.kind "archive"; remove it for a single-file bundle');
  }
  for (const field of ['size', 'modificationTime'] as const) {
    const v = b[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      problems.push(
        `bundle.${field} must be a whole number >= 0 from the file's status on HDFS (GETFILESTATUS ${field === 'size' ? 'length' : 'modificationTime'}); got ${describe(v)}`,
      );
    }
  }
  return problems;
}

function unknownFields(obj: Record<string, unknown>, known: string[], prefix: string): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown field ${prefix}${k}; the fields are ${known.map((f) => prefix + f).join(', ')}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** C0 controls and DEL. */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A short rendering of a bad value for messages. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
