import { AmEnv } from '../../client/contracts/am-container-contract.js';
import {
  LOCAL_RESOURCE_TYPES,
  LOCAL_RESOURCE_VISIBILITIES,
  type LocalResourceSpec,
  type LocalResourceType,
  type LocalResourceVisibility,
} from '../../client/hadoop/yarn/container-launch-context.js';

const TYPES: readonly string[] = LOCAL_RESOURCE_TYPES;
const VISIBILITIES: readonly string[] = LOCAL_RESOURCE_VISIBILITIES;

/**
 * Decodes LOOM_LOCAL_RESOURCES: a JSON object name -> {url, size, timestamp, type, visibility}
 * (the AM hands the same resources to its TaskExecutors). The NodeManager writes env values into
 * launch_container.sh without escaping, so the client sends the JSON base64-encoded; plain JSON
 * is accepted too.
 */
export function decodeLocalResourcesEnv(text: string): Record<string, LocalResourceSpec> {
  const name = AmEnv.localResources;
  const raw = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(/^[[{]/.test(raw) ? raw : Buffer.from(raw, 'base64').toString('utf8'));
  } catch (err) {
    throw new Error(
      `${name} is neither JSON nor base64-encoded JSON (${(err as Error).message}); ` +
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
  const bad = (what: string) => new Error(`${AmEnv.localResources}: resource "${key}" ${what}`);
  if (typeof e.url !== 'string' || e.url === '') throw bad('has no url');
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) throw bad(`has no valid size (got ${JSON.stringify(e.size)})`);
  if (!Number.isSafeInteger(e.timestamp)) throw bad(`has no valid timestamp (got ${JSON.stringify(e.timestamp)})`);
  if (typeof e.type !== 'string' || !TYPES.includes(e.type))
    throw bad(`has type ${JSON.stringify(e.type)}, expected one of ${TYPES.join(', ')}`);
  if (typeof e.visibility !== 'string' || !VISIBILITIES.includes(e.visibility)) {
    throw bad(`has visibility ${JSON.stringify(e.visibility)}, expected one of ${VISIBILITIES.join(', ')}`);
  }
  const spec: LocalResourceSpec = {
    uri: e.url,
    size: e.size as number,
    timestamp: e.timestamp as number,
    type: e.type as LocalResourceType,
    visibility: e.visibility as LocalResourceVisibility,
  };
  if (typeof e.pattern === 'string') spec.pattern = e.pattern;
  return spec;
}
