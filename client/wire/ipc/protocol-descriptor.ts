/**
 * What the IPC engine needs to know about a Hadoop protocol: its PB interface name (sent as
 * declaringClassProtocolName and in the connection context) and, per method, the fully
 * qualified protobuf request and response types. YARN's descriptors live in
 * client/wire/codec/hadoop-protocols.ts; this type is structural so any object of this shape works.
 */
export interface MethodDescriptor {
  readonly request: string;
  readonly response: string;
  /** Safe to resend after a connection failure mid-call (reads, or writes Hadoop marks @Idempotent). */
  readonly idempotent?: boolean;
}

export interface ProtocolDescriptor {
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodDescriptor>>;
}

export function methodOf(protocol: ProtocolDescriptor, method: string): MethodDescriptor {
  const m = protocol.methods[method];
  if (!m) {
    throw new TypeError(`${protocol.name} has no method ${method}; known methods: ${Object.keys(protocol.methods).sort().join(', ')}`);
  }
  return m;
}
