/**
 * Just enough of a Docker Compose file for checking docker-hadoop/compose.yaml: services with their
 * host name, image, command, bind mounts and published ports (short syntax, ranges expanded).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface PublishedPort {
  /** The host address the port is published on; undefined means all of the host's addresses. */
  hostIp: string | undefined;
  hostPort: number;
  containerPort: number;
}

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  hostname: string | undefined;
  image: string | undefined;
  command: string[];
  mounts: BindMount[];
  ports: PublishedPort[];
}

/** Reads a compose file; `<<:` merge keys (x- anchors) are applied, as Compose does. */
export function readComposeFile(path: string): Map<string, ComposeService> {
  const doc: unknown = parse(readFileSync(path, 'utf8'), { merge: true });
  const services = isRecord(doc) ? doc.services : undefined;
  if (!isRecord(services)) throw new Error(`${path} has no services`);
  const out = new Map<string, ComposeService>();
  for (const [name, s] of Object.entries(services)) {
    if (!isRecord(s)) throw new Error(`${path}: service ${name} is not a mapping`);
    out.set(name, {
      name,
      hostname: typeof s.hostname === 'string' ? s.hostname : undefined,
      image: typeof s.image === 'string' ? s.image : undefined,
      command: Array.isArray(s.command) ? s.command.map(String) : typeof s.command === 'string' ? s.command.split(/\s+/) : [],
      mounts: listOf(s.volumes).map((v) => parseMount(name, v)),
      ports: listOf(s.ports).flatMap((p) => parsePorts(name, p)),
    });
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML sequence, or none when the key is absent. */
function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function parseMount(service: string, spec: unknown): BindMount {
  if (typeof spec !== 'string') throw new Error(`service ${service}: only short volume syntax is read here, got ${JSON.stringify(spec)}`);
  const [source, target] = spec.split(':');
  const mode = spec.split(':').at(2) ?? '';
  if (!source || !target) throw new Error(`service ${service}: volume ${spec} is not source:target[:mode]`);
  return { source, target, readOnly: mode.split(',').includes('ro') };
}

/** `[ip:]hostPort[-end]:containerPort[-end][/proto]`, one entry per port of a range. */
function parsePorts(service: string, spec: unknown): PublishedPort[] {
  const text = String(spec).replace(/\/(tcp|udp)$/, '');
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3)
    throw new Error(`service ${service}: port ${text} does not publish a host port ([ip:]host:container)`);
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  const hostRange = range(service, parts[parts.length - 2]);
  const containerRange = range(service, parts[parts.length - 1]);
  if (hostRange.length !== containerRange.length) throw new Error(`service ${service}: port ranges of ${text} differ in length`);
  return hostRange.map((hostPort, i) => ({ hostIp, hostPort, containerPort: containerRange[i] }));
}

function range(service: string, text: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new Error(`service ${service}: ${text} is not a port or port range`);
  const first = Number(m[1]);
  const lastText = m.at(2);
  const last = lastText === undefined ? first : Number(lastText);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
