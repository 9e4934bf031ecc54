import type { ProtocolDescriptor, ProtocolMethod } from '../codec/hadoop-protocols.js';

/**
 * The descriptor types (a protocol's PB interface name and, per method, its request and response
 * types) live with YARN's descriptors in client/wire/codec/hadoop-protocols.ts.
 */
export type { MethodName, ProtocolDescriptor, ProtocolMethod, RequestOf, ResponseOf } from '../codec/hadoop-protocols.js';

export function methodOf(protocol: ProtocolDescriptor, method: string): ProtocolMethod {
  const m = protocol.methods[method] as ProtocolMethod | undefined;
  if (!m) {
    throw new TypeError(`${protocol.name} has no method ${method}; known methods: ${Object.keys(protocol.methods).sort().join(', ')}`);
  }
  return m;
}
