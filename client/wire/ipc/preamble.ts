import { IpcProtocolError } from './ipc-errors.js';

/**
 * The 7-byte connection preamble: "hrpc", IPC version, service class, auth protocol.
 * It is the only unframed message in a Hadoop IPC connection.
 */
export const PREAMBLE_LENGTH = 7;
export const IPC_VERSION = 9;
const MAGIC = Buffer.from('hrpc', 'ascii');

/** Auth protocol byte: 0 = no SASL at all (SIMPLE), -33 = SASL exchange follows. */
export const AuthProtocol = { NONE: 0, SASL: -33 } as const;
export type AuthProtocolValue = (typeof AuthProtocol)[keyof typeof AuthProtocol];

export interface Preamble {
  version: number;
  serviceClass: number;
  /** Signed byte as Hadoop reads it: 0 or -33 for valid clients. */
  authProtocol: number;
}

export function buildPreamble(authProtocol: AuthProtocolValue, serviceClass = 0, version = IPC_VERSION): Buffer {
  const out = Buffer.alloc(PREAMBLE_LENGTH);
  MAGIC.copy(out, 0);
  out.writeUInt8(version & 0xff, 4);
  out.writeUInt8(serviceClass & 0xff, 5);
  out.writeInt8(authProtocol, 6);
  return out;
}

/**
 * Parses the first 7 bytes a client sent. Only the magic is validated here: a wrong version or
 * auth protocol still gets a proper Hadoop error answer from the server, garbage does not.
 */
export function parsePreamble(bytes: Uint8Array): Preamble {
  if (bytes.length < PREAMBLE_LENGTH) {
    throw new IpcProtocolError(`connection preamble is ${bytes.length} bytes, expected ${PREAMBLE_LENGTH}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, PREAMBLE_LENGTH);
  if (!buf.subarray(0, 4).equals(MAGIC)) {
    throw new IpcProtocolError(
      `not a Hadoop IPC connection: preamble starts with 0x${buf.subarray(0, 4).toString('hex')} instead of "hrpc" (is this an HTTP or other client on an IPC port?)`,
    );
  }
  return { version: buf.readUInt8(4), serviceClass: buf.readUInt8(5), authProtocol: buf.readInt8(6) };
}
