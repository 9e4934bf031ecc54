import { CodecError } from '../codec/codec-error.js';
import { encodeText, encodeVIntBytes, WritableReader } from '../codec/writable.js';

/**
 * A Hadoop security token (`org.apache.hadoop.security.token.Token`): opaque identifier bytes
 * (a protobuf whose type depends on `kind`), the password the issuer derived from them, the
 * kind (e.g. `YARN_AM_RM_TOKEN`, `NMToken`) and the service it is meant for (`host:port`, may be "").
 */
export interface HadoopToken {
  identifier: Buffer;
  password: Buffer;
  kind: string;
  service: string;
}

/** The `hadoop.common.TokenProto` object form (as encodeMessage/decodeMessage use it). */
export interface TokenProtoObject {
  identifier: Uint8Array;
  password: Uint8Array;
  kind: string;
  service: string;
}

export function tokenToProto(token: HadoopToken): TokenProtoObject {
  return { identifier: token.identifier, password: token.password, kind: token.kind, service: token.service };
}

/** From a decoded TokenProto; the four fields are `required` in Hadoop's proto, so absence is an error. */
export function tokenFromProto(proto: Partial<Record<keyof TokenProtoObject, unknown>>, what = 'TokenProto'): HadoopToken {
  const { identifier, password, kind, service } = proto;
  if (!(identifier instanceof Uint8Array)) throw new CodecError(`${what} has no identifier`);
  if (!(password instanceof Uint8Array)) throw new CodecError(`${what} has no password`);
  if (typeof kind !== 'string') throw new CodecError(`${what} has no kind`);
  if (typeof service !== 'string') throw new CodecError(`${what} has no service`);
  return { identifier: Buffer.from(identifier), password: Buffer.from(password), kind, service };
}

/** Token.write: vint-length identifier, vint-length password, Text kind, Text service. */
export function encodeTokenWritable(token: HadoopToken): Buffer {
  return Buffer.concat([
    encodeVIntBytes(token.identifier),
    encodeVIntBytes(token.password),
    encodeText(token.kind),
    encodeText(token.service),
  ]);
}

export function readTokenWritable(reader: WritableReader, label = 'token'): HadoopToken {
  const identifier = reader.readVIntBytes(`${label} identifier`);
  const password = reader.readVIntBytes(`${label} password`);
  const kind = reader.readText(`${label} kind`);
  const service = reader.readText(`${label} service`);
  return { identifier, password, kind, service };
}

/**
 * `Token.encodeToUrlString`: the Writable form in URL-safe base64 without padding. WebHDFS
 * `delegation=` parameters and `hadoop dtutil` carry tokens this way.
 */
export function encodeTokenToUrlString(token: HadoopToken): string {
  return encodeTokenWritable(token).toString('base64url');
}

const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** `Token.decodeFromUrlString`; like Hadoop's decoder it also accepts the standard base64 alphabet and padding. */
export function decodeTokenFromUrlString(text: string): HadoopToken {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new CodecError('token string is empty');
  if (!BASE64_ANY.test(trimmed)) {
    throw new CodecError('token string is not base64: expected the URL-safe form written by Token.encodeToUrlString');
  }
  const bytes = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  const reader = new WritableReader(bytes, 0, 'token string');
  const token = readTokenWritable(reader);
  if (reader.remaining !== 0) {
    throw new CodecError(`token string has ${reader.remaining} unexpected byte(s) after the token; it is corrupt or not a single token`);
  }
  return token;
}
