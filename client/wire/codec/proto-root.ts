import protobuf from 'protobufjs';
import { PROTO_ROOT_JSON } from './generated/proto-root-json.js';

/**
 * The protobuf Root of every message under proto/hadoop and proto/cluster (field names as written
 * in the .proto files). scripts/generate-protocol-types.mjs turns proto/ into JSON at build time,
 * so the codec reads no file at run time and the same code works from the sources, from dist/ and
 * from the archive shipped to containers.
 */
let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  root = protobuf.Root.fromJSON(PROTO_ROOT_JSON);
  root.resolveAll();
  return root;
}
