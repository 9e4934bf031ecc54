/**
 * What the client ships for the per-job and application modes, and how the AM finds it: the
 * program's bundle as a local resource with its description in LOOM_PROGRAM (application mode, see am-env.ts),
 * and the one job's description as a local resource file (per-job). Both sides use these names
 * and codecs, so they cannot drift apart. No I/O here.
 */
import type { BundleRef } from './bundle-ref.js';

export const ProgramResourceNames = {
  /** Application mode: the user bundle. A module file is linked as `loom-program.mjs` (`.cjs` kept), an archive unpacked into `loom-program/`. */
  program: 'loom-program',
  /** Per-job mode: the job description (JSON of PerJobDescription). */
  job: 'loom-job.json',
} as const;

export interface ApplicationProgram {
  /** The bundle on HDFS: the jobs' tasks fetch it from there. */
  bundle: BundleRef;
  /** The export holding main(); `default` unless -c named another. */
  entryExport: string;
  /** The arguments after the bundle: ctx.args. */
  args: string[];
  /** The bundle's name as the user gave it (default job names use it); the URL's when absent. */
  bundleName?: string;
}

export interface PerJobDescription {
  /** Chosen by the client, so `-d` can print it before the AM exists. */
  jobId: string;
  job: {
    name: string;
    bundle: BundleRef;
    exportName: string;
    parallelism: number;
    args: unknown[];
  };
  /**
   * An attached client reads the job's end and then stops the cluster itself; the AM waits for
   * that up to loom.client.heartbeat-timeout. Detached: the AM ends as soon as the job does.
   */
  attached: boolean;
}

/** The link name of the program in the AM's working dir, by the bundle's kind and file name. */
export function programLinkName(bundle: Pick<BundleRef, 'kind' | 'url'>): string {
  if (bundle.kind === 'archive') return ProgramResourceNames.program;
  // .js and .mjs both load as ES modules (as TaskExecutors load them); CommonJS says so with .cjs.
  return `${ProgramResourceNames.program}${/\.cjs$/i.test(bundle.url) ? '.cjs' : '.mjs'}`;
}

/** Base64 JSON: the NodeManager writes env values into launch_container.sh without escaping. */
export function encodeApplicationProgram(program: ApplicationProgram): string {
  return Buffer.from(JSON.stringify(program)).toString('base64');
}

/** `source`: where the text came from, for messages (the variable's name). */
export function decodeApplicationProgram(text: string, source: string): ApplicationProgram {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text.trim(), 'base64').toString('utf8'));
  } catch (err) {
    throw new Error(
      `${source} is not base64-encoded JSON (${(err as Error).message}); the submitting client writes it, check that its Loom version matches the AM's`,
    );
  }
  const p = fieldsOf(value);
  const problems = bundleProblems(p.bundle);
  if (typeof p.entryExport !== 'string' || p.entryExport === '') problems.push('entryExport must name the export holding main()');
  if (!Array.isArray(p.args) || !p.args.every((a) => typeof a === 'string')) problems.push('args must be an array of strings');
  if (problems.length) throw new Error(`${source} does not describe a program: ${problems.join('; ')}`);
  return p as unknown as ApplicationProgram;
}

export function parsePerJobDescription(text: string, source: string): PerJobDescription {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON (${(err as Error).message}); the submitting client writes it, do not edit it`);
  }
  const d = fieldsOf(value);
  const problems: string[] = [];
  if (typeof d.jobId !== 'string' || !/^[0-9a-f]{32}$/.test(d.jobId)) problems.push('jobId must be 32 lower-case hex digits');
  if (typeof d.attached !== 'boolean') problems.push('attached must be true or false');
  // The job itself is checked by the AM's job spec validation, with its field-by-field messages.
  if (typeof d.job !== 'object' || d.job === null)
    problems.push('job must describe the job: {name, bundle, exportName, parallelism, args}');
  if (problems.length) throw new Error(`${source} does not describe a per-job job: ${problems.join('; ')}`);
  return d as unknown as PerJobDescription;
}

/** A JSON value's fields (none for anything but an object), each to be checked before use. */
function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function bundleProblems(b: unknown): string[] {
  const r = (b ?? {}) as Partial<BundleRef>;
  const out: string[] = [];
  if (typeof r.url !== 'string' || r.url === '') out.push('bundle.url must be the bundle on HDFS');
  if (r.kind !== 'file' && r.kind !== 'archive') out.push('bundle.kind must be "file" or "archive"');
  if (r.kind === 'archive' && (typeof r.entry !== 'string' || r.entry === ''))
    out.push('bundle.entry must name the module inside the archive');
  if (!Number.isSafeInteger(r.size) || !Number.isSafeInteger(r.modificationTime))
    out.push('bundle.size and bundle.modificationTime must come from GETFILESTATUS');
  return out;
}
