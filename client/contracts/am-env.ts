/**
 * The environment the client gives the AM's container (client -> AM), besides what YARN sets
 * (CONTAINER_ID, NM_HOST, the token file): the client writes it with `writeAmEnv`, the AM reads
 * it with `readAmEnv` (and `writeApplicationProgram` / `readApplicationProgram` in application mode). One module for both
 * sides, so the names and encodings cannot drift apart. No I/O here.
 */
import { LOCAL_RESOURCE_TYPES, LOCAL_RESOURCE_VISIBILITIES, type LocalResourceSpec } from '../hadoop/yarn/container-launch-context.js';
import { decodeApplicationProgram, encodeApplicationProgram, type ApplicationProgram } from './program-contract.js';
import { containerUser } from '../wire/security/hadoop-user.js';

export type ClusterMode = 'session' | 'per-job' | 'application';
export const CLUSTER_MODES: readonly ClusterMode[] = ['session', 'per-job', 'application'];

/** The variables' names. */
export const AmEnvNames = {
  /** `session`, `per-job` or `application` (default session). */
  mode: 'LOOM_MODE',
  /** The staging dir URL (`hdfs://.../.loom/<appId>`), removed when the application ends on purpose. */
  stagingDir: 'LOOM_STAGING_DIR',
  /** Every local resource the AM was given, so it can hand the same ones to TaskExecutors (see encodeLocalResources). */
  localResources: 'LOOM_LOCAL_RESOURCES',
  /** The submitting user; WebHDFS calls from the AM and TaskExecutors use it as user.name (Hadoop's HADOOP_USER_NAME). */
  user: 'HADOOP_USER_NAME',
  /** Application mode: the program to run (base64 JSON of ApplicationProgram). */
  program: 'LOOM_PROGRAM',
} as const;

export interface AmEnvValues {
  mode: ClusterMode;
  stagingDir: string | undefined;
  localResources: Record<string, LocalResourceSpec>;
  user: string;
}

/** The client's side: the variables for the AM's launch context (values not yet escaped for the launch script). */
export function writeAmEnv(values: AmEnvValues): Record<string, string> {
  return {
    [AmEnvNames.mode]: values.mode,
    ...(values.stagingDir !== undefined ? { [AmEnvNames.stagingDir]: values.stagingDir } : {}),
    [AmEnvNames.localResources]: encodeLocalResources(values.localResources),
    [AmEnvNames.user]: values.user,
  };
}

/**
 * The AM's side: the values, and every problem at once (each naming its variable and who sets it),
 * so the AM can report them together with those of YARN's variables. The user falls back to USER,
 * which the NodeManager sets in every container.
 */
export function readAmEnv(env: NodeJS.ProcessEnv): { values: AmEnvValues; problems: string[] } {
  const problems: string[] = [];
  const modeText = env[AmEnvNames.mode] || 'session';
  const mode = CLUSTER_MODES.find((m) => m === modeText) ?? 'session';
  if (mode !== modeText) problems.push(`${AmEnvNames.mode} is '${modeText}', expected one of ${CLUSTER_MODES.join(', ')}`);

  let localResources: Record<string, LocalResourceSpec> = {};
  const resourcesText = env[AmEnvNames.localResources];
  if (resourcesText === undefined || resourcesText === '') {
    problems.push(
      `${AmEnvNames.localResources} is not set (the submitting client lists the AM's local resources there for the TaskExecutors)`,
    );
  } else {
    try {
      localResources = decodeLocalResources(resourcesText);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }

  const user = containerUser(env) ?? '';
  if (!user) problems.push(`neither ${AmEnvNames.user} nor USER is set (the client sets ${AmEnvNames.user}; the NodeManager sets USER)`);
  return { values: { mode, stagingDir: env[AmEnvNames.stagingDir] || undefined, localResources, user }, problems };
}

/** The client's side in application mode: the program to run. */
export function writeApplicationProgram(program: ApplicationProgram): Record<string, string> {
  return { [AmEnvNames.program]: encodeApplicationProgram(program) };
}

/** The AM's side in application mode: the program the client shipped. */
export function readApplicationProgram(env: NodeJS.ProcessEnv): ApplicationProgram {
  const text = env[AmEnvNames.program];
  if (!text) throw new Error(`application mode needs ${AmEnvNames.program} (the program's description); the submitting client sets it`);
  return decodeApplicationProgram(text, AmEnvNames.program);
}

/**
 * LOOM_LOCAL_RESOURCES: a JSON object name -> {url, size, timestamp, type, visibility}, base64
 * encoded, since the NodeManager writes env values into launch_container.sh without escaping and
 * JSON's quotes would not survive. The reader accepts plain JSON too.
 */
export function encodeLocalResources(resources: Record<string, LocalResourceSpec>): string {
  const forAm: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(resources)) {
    forAm[name] = {
      url: r.uri,
      size: r.size,
      timestamp: r.timestamp,
      type: r.type ?? 'FILE',
      visibility: r.visibility ?? 'APPLICATION',
      ...(r.pattern !== undefined ? { pattern: r.pattern } : {}),
    };
  }
  return Buffer.from(JSON.stringify(forAm)).toString('base64');
}

export function decodeLocalResources(text: string): Record<string, LocalResourceSpec> {
  const name = AmEnvNames.localResources;
  const raw = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(/^[[{]/.test(raw) ? raw : Buffer.from(raw, 'base64').toString('utf8'));
  } catch (err) {
    throw new Error(
      `${name} is neither JSON nor base64-encoded JSON (${err instanceof Error ? err.message : String(err)}); ` +
        `the submitting client writes it, check that its Loom version matches the AM's`,
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${name} must be a JSON object of resource name -> {url, size, timestamp, type, visibility}`);
  }
  const out: Record<string, LocalResourceSpec> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) out[key] = checkResource(key, entry);
  return out;
}

function checkResource(key: string, entry: unknown): LocalResourceSpec {
  const e = (entry ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new Error(`${AmEnvNames.localResources}: resource "${key}" ${what}`);
  if (typeof e.url !== 'string' || e.url === '') throw bad('has no url');
  if (typeof e.size !== 'number' || !Number.isSafeInteger(e.size) || e.size < 0)
    throw bad(`has no valid size (got ${JSON.stringify(e.size)})`);
  if (typeof e.timestamp !== 'number' || !Number.isSafeInteger(e.timestamp))
    throw bad(`has no valid timestamp (got ${JSON.stringify(e.timestamp)})`);
  const type = LOCAL_RESOURCE_TYPES.find((t) => t === e.type);
  if (!type) throw bad(`has type ${JSON.stringify(e.type)}, expected one of ${LOCAL_RESOURCE_TYPES.join(', ')}`);
  const visibility = LOCAL_RESOURCE_VISIBILITIES.find((v) => v === e.visibility);
  if (!visibility) throw bad(`has visibility ${JSON.stringify(e.visibility)}, expected one of ${LOCAL_RESOURCE_VISIBILITIES.join(', ')}`);
  const spec: LocalResourceSpec = { uri: e.url, size: e.size, timestamp: e.timestamp, type, visibility };
  if (typeof e.pattern === 'string') spec.pattern = e.pattern;
  return spec;
}
