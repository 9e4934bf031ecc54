import protobuf from 'protobufjs';
import { PROTO_TYPES_JSON } from './generated/proto-root-json.js';

/**
 * The protobuf Root of the messages under proto/hadoop and proto/cluster (field names as written
 * in the .proto files). scripts/generate-protocol-types.mjs turns proto/ into JSON at build time,
 * so the codec reads no file at run time and the same code works from the sources, from dist/, from
 * the bundles and from the archive shipped to containers.
 *
 * The Root grows on demand: a message is added with the messages and enums it refers to, the
 * first time it is used. Building all 200-odd of them with protobufjs costs more than anything
 * else in a CLI start (about 0.1 s of CPU), and a command uses a few dozen.
 */
const root = new protobuf.Root();
const added = new Set<string>();

/** The Root, holding at least `typeName` (a fully qualified message name, nested ones too) and what it refers to. */
export function protoRootWith(typeName: string): protobuf.Root {
  const topLevel = topLevelName(typeName);
  if (topLevel !== undefined && !added.has(topLevel)) {
    addWithUses(topLevel);
    root.resolveAll();
  }
  return root;
}

/** `hadoop.common.RpcResponseHeaderProto.RpcStatusProto` -> `hadoop.common.RpcResponseHeaderProto`; undefined if unknown. */
function topLevelName(typeName: string): string | undefined {
  for (let name = typeName; name !== ''; name = name.slice(0, Math.max(0, name.lastIndexOf('.')))) {
    if (Object.hasOwn(PROTO_TYPES_JSON, name)) return name;
  }
  return undefined;
}

function addWithUses(name: string): void {
  if (added.has(name)) return;
  added.add(name);
  const { json, uses } = PROTO_TYPES_JSON[name];
  for (const used of uses) addWithUses(used);
  const dot = name.lastIndexOf('.');
  const pkg = root.define(name.slice(0, dot));
  const simpleName = name.slice(dot + 1);
  pkg.add('values' in json ? protobuf.Enum.fromJSON(simpleName, json) : protobuf.Type.fromJSON(simpleName, json));
}
