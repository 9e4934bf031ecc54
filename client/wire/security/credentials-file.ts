import { readFileSync, writeFileSync } from 'node:fs';
import { CodecError } from '../codec/codec-error.js';
import type { CredentialsProto } from '../codec/generated/proto-messages.js';
import { decodeDelimited, encodeDelimited } from '../codec/protobuf-codec.js';
import { encodeText, encodeVInt, encodeVIntBytes, WritableReader } from '../codec/writable.js';
import { encodeTokenWritable, readTokenWritable, tokenFromProto, tokenToProto, type HadoopToken } from './token.js';

/**
 * Hadoop's token storage file (`org.apache.hadoop.security.Credentials`), the file named by
 * HADOOP_TOKEN_FILE_LOCATION in every container (`container_tokens`) and the bytes of a
 * ContainerLaunchContext's `tokens` field, which the NodeManager writes out verbatim.
 *
 * Layout: magic `HDTS`, one format byte, then
 * - 0 WRITABLE: vint token count, per token Text alias + Token writable; vint secret count,
 *   per secret Text alias + vint length + bytes;
 * - 1 PROTOBUF: one varint-delimited `hadoop.common.CredentialsProto`.
 * Hadoop writes WRITABLE by default, so that is our default too.
 */
export type CredentialsFormat = 'writable' | 'protobuf';

const MAGIC = Buffer.from('HDTS', 'latin1');
const FORMAT_BYTE: Record<CredentialsFormat, number> = { writable: 0, protobuf: 1 };
const CREDENTIALS_PROTO = 'hadoop.common.CredentialsProto';

export class Credentials {
  /** alias -> token, in file order (a repeated alias keeps its first position, last value wins, as in Hadoop's map). */
  readonly tokens = new Map<string, HadoopToken>();
  readonly secrets = new Map<string, Buffer>();

  addToken(alias: string, token: HadoopToken): this {
    this.tokens.set(alias, token);
    return this;
  }

  addSecret(alias: string, secret: Uint8Array): this {
    this.secrets.set(alias, Buffer.from(secret));
    return this;
  }

  /** The first token of this kind (and service, when given). */
  findToken(kind: string, service?: string): HadoopToken | undefined {
    for (const token of this.tokens.values()) {
      if (token.kind === kind && (service === undefined || token.service === service)) return token;
    }
    return undefined;
  }

  /** `source` names the input in error messages (the file path when reading a file). */
  static parse(bytes: Uint8Array, source = 'credentials data'): Credentials {
    const head = Buffer.from(bytes.subarray(0, MAGIC.length));
    if (!head.equals(MAGIC.subarray(0, head.length))) throw notCredentials(source, bytes);
    if (bytes.length < MAGIC.length + 1) {
      throw new CodecError(
        `${source}: truncated Hadoop credentials file: ${bytes.length} byte(s), expected at least 5 (magic HDTS and a format byte)`,
      );
    }
    const format = bytes[4];
    if (format === FORMAT_BYTE.writable) return parseWritable(bytes, source);
    if (format === FORMAT_BYTE.protobuf) return parseProtobuf(bytes, source);
    throw new CodecError(
      `${source}: unknown format byte ${format} in Hadoop credentials file (0 = WRITABLE and 1 = PROTOBUF are known); it was written by an unsupported Hadoop version or is corrupt`,
    );
  }

  static readFile(path: string): Credentials {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read Hadoop credentials file ${path}: ${(err as Error).message}; check HADOOP_TOKEN_FILE_LOCATION`, {
        cause: err,
      });
    }
    return Credentials.parse(bytes, path);
  }

  /** Reads the file named by HADOOP_TOKEN_FILE_LOCATION; an empty Credentials when it is not set. */
  static readFromEnvironment(env: NodeJS.ProcessEnv = process.env): Credentials {
    const path = env.HADOOP_TOKEN_FILE_LOCATION;
    return path ? Credentials.readFile(path) : new Credentials();
  }

  serialize(format: CredentialsFormat = 'writable'): Buffer {
    const header = Buffer.concat([MAGIC, Buffer.from([FORMAT_BYTE[format]])]);
    if (format === 'protobuf') {
      const message = {
        tokens: [...this.tokens].map(([alias, token]) => ({ alias, token: tokenToProto(token) })),
        secrets: [...this.secrets].map(([alias, secret]) => ({ alias, secret })),
      };
      return Buffer.concat([header, encodeDelimited(CREDENTIALS_PROTO, message)]);
    }
    const parts: Buffer[] = [header, encodeVInt(this.tokens.size)];
    for (const [alias, token] of this.tokens) parts.push(encodeText(alias), encodeTokenWritable(token));
    parts.push(encodeVInt(this.secrets.size));
    for (const [alias, secret] of this.secrets) parts.push(encodeText(alias), encodeVIntBytes(secret));
    return Buffer.concat(parts);
  }

  writeFile(path: string, format: CredentialsFormat = 'writable'): void {
    writeFileSync(path, this.serialize(format), { mode: 0o600 });
  }
}

function notCredentials(source: string, bytes: Uint8Array): CodecError {
  const start = Buffer.from(bytes.subarray(0, 4)).toString('hex');
  return new CodecError(`${source}: not a Hadoop credentials file: expected magic HDTS (48445453), found ${start || 'nothing'}`);
}

// Trailing bytes after the last entry are ignored, as Hadoop's reader ignores them.
function parseWritable(bytes: Uint8Array, source: string): Credentials {
  const creds = new Credentials();
  const reader = new WritableReader(bytes, 5, source);
  const tokenCount = readCount(reader, 'token count', source);
  for (let i = 0; i < tokenCount; i++) {
    const alias = reader.readText(`token[${i}] alias`);
    creds.tokens.set(alias, readTokenWritable(reader, `token[${i}]`));
  }
  const secretCount = readCount(reader, 'secret key count', source);
  for (let i = 0; i < secretCount; i++) {
    const alias = reader.readText(`secret[${i}] alias`);
    creds.secrets.set(alias, reader.readVIntBytes(`secret[${i}] value`));
  }
  return creds;
}

/** Each entry needs at least one byte, so a count above the bytes left is corrupt, not just large. */
function readCount(reader: WritableReader, field: string, source: string): number {
  const start = reader.offset;
  const n = reader.readVInt(field);
  if (n < 0 || n > reader.remaining) {
    throw new CodecError(
      `${source}: ${field} at offset ${start} is ${n}, impossible with ${reader.remaining} byte(s) left; the file is corrupt or truncated`,
    );
  }
  return n;
}

function parseProtobuf(bytes: Uint8Array, source: string): Credentials {
  let decoded: CredentialsProto;
  try {
    decoded = decodeDelimited(CREDENTIALS_PROTO, bytes, 5).value;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CodecError(`${source}: truncated or corrupt PROTOBUF credentials file: ${why}`, { cause: err });
  }
  const creds = new Credentials();
  (decoded.tokens ?? []).forEach((kv, i) => {
    if (!kv.token) throw new CodecError(`${source}: token entry ${i} (alias "${kv.alias}") has no token`);
    creds.tokens.set(kv.alias, tokenFromProto(kv.token, `${source}: token entry ${i}`));
  });
  (decoded.secrets ?? []).forEach((kv, i) => {
    if (!kv.secret) throw new CodecError(`${source}: secret entry ${i} (alias "${kv.alias}") has no secret bytes`);
    creds.secrets.set(kv.alias, Buffer.from(kv.secret));
  });
  return creds;
}
