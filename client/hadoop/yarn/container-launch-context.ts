// Builds ContainerLaunchContextProto objects (what a container runs and with what): commands,
// environment, local resources, the credentials bytes the NodeManager writes verbatim as
// container_tokens, application ACLs and service data.
import type { Credentials, CredentialsFormat } from '../../wire/security/credentials-file.js';

/** hadoop.yarn.ContainerLaunchContextProto in the codec's object form. */
export type ContainerLaunchContextProto = Record<string, unknown>;

export const LOCAL_RESOURCE_TYPES = ['FILE', 'ARCHIVE', 'PATTERN'] as const;
export const LOCAL_RESOURCE_VISIBILITIES = ['PUBLIC', 'PRIVATE', 'APPLICATION'] as const;
export type LocalResourceType = (typeof LOCAL_RESOURCE_TYPES)[number];
export type LocalResourceVisibility = (typeof LOCAL_RESOURCE_VISIBILITIES)[number];

export interface LocalResourceSpec {
  /** Fully qualified, e.g. hdfs://namenode:8020/user/alice/.loom/app/bundle.tgz */
  uri: string;
  /** Must equal the file's length on the file system. */
  size: number;
  /** Must equal the file's modification time (GETFILESTATUS), or the NodeManager refuses the resource. */
  timestamp: number;
  type?: LocalResourceType;
  visibility?: LocalResourceVisibility;
  /** For PATTERN archives. */
  pattern?: string;
}

export interface LaunchContextSpec {
  commands?: string[];
  /** Kept in the given order on the wire. */
  environment?: Record<string, string>;
  /** Link name in the container's working directory -> resource. */
  localResources?: Record<string, LocalResourceSpec>;
  /** Serialized into `tokens` (the container's HADOOP_TOKEN_FILE_LOCATION file). */
  credentials?: Credentials;
  credentialsFormat?: CredentialsFormat;
  /** Who may view / modify the application (`user1,user2 group1`); Hadoop's default is " " (nobody extra). */
  acls?: { view?: string; modify?: string };
  serviceData?: Record<string, Uint8Array>;
}

/** hadoop.yarn.URLProto: scheme, host, port (-1 when absent), decoded path, user info (Hadoop's URL.fromURI). */
export interface UrlProto {
  scheme: string;
  host?: string;
  port: number;
  file: string;
  userInfo?: string;
}

export function urlProtoFromUri(uri: string, what = 'local resource'): UrlProto {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new TypeError(`${what}: ${JSON.stringify(uri)} is not a URI; give a fully qualified one such as hdfs://namenode:8020/path/file`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme.length <= 1) {
    // "C:/x" parses as scheme "c": a local path, not a URI the NodeManager can fetch.
    throw new TypeError(`${what}: ${JSON.stringify(uri)} has no scheme; give a fully qualified URI such as hdfs://namenode:8020/path/file`);
  }
  const url: UrlProto = { scheme, port: parsed.port === '' ? -1 : Number(parsed.port), file: decodeURIComponent(parsed.pathname) };
  if (parsed.hostname !== '') url.host = parsed.hostname;
  if (parsed.username !== '')
    url.userInfo = decodeURIComponent(parsed.password !== '' ? `${parsed.username}:${parsed.password}` : parsed.username);
  return url;
}

export function localResourceProto(spec: LocalResourceSpec, name = 'local resource'): Record<string, unknown> {
  if (!Number.isSafeInteger(spec.size) || spec.size < 0)
    throw new TypeError(`${name}: size must be a non-negative integer, got ${spec.size}`);
  if (!Number.isSafeInteger(spec.timestamp) || spec.timestamp <= 0) {
    throw new TypeError(`${name}: timestamp must be the file's modification time in ms (from GETFILESTATUS), got ${spec.timestamp}`);
  }
  const proto: Record<string, unknown> = {
    resource: urlProtoFromUri(spec.uri, name),
    size: spec.size,
    timestamp: spec.timestamp,
    type: spec.type ?? 'FILE',
    visibility: spec.visibility ?? 'APPLICATION',
  };
  if (spec.pattern !== undefined) proto.pattern = spec.pattern;
  return proto;
}

export function buildContainerLaunchContext(spec: LaunchContextSpec): ContainerLaunchContextProto {
  const clc: ContainerLaunchContextProto = {};
  const resources = Object.entries(spec.localResources ?? {});
  if (resources.length) {
    clc.localResources = resources.map(([key, r]) => ({ key, value: localResourceProto(r, `local resource ${JSON.stringify(key)}`) }));
  }
  if (spec.credentials) clc.tokens = spec.credentials.serialize(spec.credentialsFormat ?? 'writable');
  const serviceData = Object.entries(spec.serviceData ?? {});
  if (serviceData.length) clc.service_data = serviceData.map(([key, value]) => ({ key, value: Buffer.from(value) }));
  const env = Object.entries(spec.environment ?? {});
  if (env.length) clc.environment = env.map(([key, value]) => ({ key, value }));
  if (spec.commands?.length) clc.command = [...spec.commands];
  const acls: Record<string, unknown>[] = [];
  if (spec.acls?.view !== undefined) acls.push({ accessType: 'APPACCESS_VIEW_APP', acl: spec.acls.view });
  if (spec.acls?.modify !== undefined) acls.push({ accessType: 'APPACCESS_MODIFY_APP', acl: spec.acls.modify });
  if (acls.length) clc.application_ACLs = acls;
  return clc;
}
