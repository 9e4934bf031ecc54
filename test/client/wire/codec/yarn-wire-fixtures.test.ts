import { join, relative } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../../client/wire/codec/codec-error.js';
import { decodeMessage, messageType, type ProtoMessageName } from '../../../../client/wire/codec/protobuf-codec.js';
import { FIXTURES, readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { parsePreamble } from '../../../support/ipc-frames.js';
import { classify, connectionFiles, roundTrip } from './recorded-connection.js';
import { readTranscript, type NamedField } from './decoded-transcript.js';

const stats = { tokenIdentifiers: 0, namedFields: 0 };

/** Checks our decoded object against Hadoop's named decode: same names, numbers and values. */
function compareNamed(typeName: string, nodes: NamedField[], obj: any, path: string): void {
  const type = messageType(typeName as ProtoMessageName);
  const seen = new Map<string, number>();
  for (const node of nodes) {
    const where = `${path}.${node.name}`;
    const field = type.fieldsArray.find((f) => f.name === node.name);
    if (!field) throw new Error(`${typeName} has no field ${node.name} (${node.num}) at ${where}`);
    expect(field.id, `field number of ${where}`).toBe(node.num);
    const index = seen.get(node.name) ?? 0;
    seen.set(node.name, index + 1);
    const value = field.repeated ? obj?.[node.name]?.[index] : obj?.[node.name];
    if (!field.repeated) expect(index, `${where} appears once`).toBe(0);
    expect(value, `${where} is present in our decode`).not.toBeUndefined();
    stats.namedFields++;
    if (node.children) {
      compareNamed(field.resolvedType!.fullName.slice(1), node.children, value, where);
      continue;
    }
    compareScalar(field, node.value!, value, where);
    if (node.parsedAs) {
      const inner = roundTrip(node.parsedAs.type, value as Buffer);
      stats.tokenIdentifiers++;
      compareNamed(node.parsedAs.type, node.parsedAs.children, inner, `${where}[${node.parsedAs.type}]`);
    }
  }
  // Nothing extra on our side: every field we decoded was printed by Hadoop too.
  for (const [name, v] of Object.entries(obj ?? {})) {
    const count = Array.isArray(v) ? v.length : 1;
    expect(seen.get(name) ?? 0, `${path}.${name} count`).toBe(count);
  }
}

function compareScalar(field: protobuf.Field, printed: string, value: unknown, where: string): void {
  if (field.resolvedType instanceof protobuf.Enum) {
    const m = /^(\w+) \((-?\d+)\)$/.exec(printed)!;
    expect(value, where).toBe(m[1]);
    expect(field.resolvedType.values[m[1]], `enum value of ${where}`).toBe(Number(m[2]));
  } else if (field.type === 'bytes') {
    const m = /^bytes\[(\d+)\] hex ?([0-9a-f]*)/.exec(printed)!;
    expect(Buffer.from(value as Uint8Array).toString('hex'), where).toBe(m[2]);
  } else if (field.type === 'string') {
    expect(value, where).toBe(JSON.parse(printed));
  } else if (field.type === 'bool') {
    expect(value, where).toBe(printed === 'true');
  } else if (field.type === 'uint32') {
    // Hadoop's printer shows the uint32 response call id signed (-33, -1).
    expect(value, where).toBe(Number(printed) >>> 0);
  } else if (field.type === 'float' || field.type === 'double') {
    expect(value as number, where).toBeCloseTo(Number(printed), 6);
  } else {
    expect(value, where).toBe(Number(printed));
  }
}

const files = connectionFiles();

const totals = { connections: 0, frames: 0, messages: 0, unknownMethodBodies: 0, malformedBodies: 0 };

describe('YARN IPC fixtures decode and re-encode byte for byte', () => {
  it('finds the recorded YARN connections', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of files) {
    const rel = relative(join(FIXTURES, 'ipc'), file);
    it(rel, () => {
      const conn = readFixtureJson<IpcConnectionFixture>(relative(FIXTURES, file));
      const preamble = parsePreamble(streamBytes(conn, 'c2s'));
      expect(preamble.magic).toBe('hrpc');
      if (preamble.version !== 9) return; // errors/06: the server refuses version 10 before any frame
      const { frames, calls } = classify(conn);
      const transcript = readTranscript(file.replace(/\.json$/, '.decoded.txt'));
      // Frames: same split (direction + offset) as the independent transcript.
      const key = (f: { dir: string; offset: number }) => `${f.dir}@${f.offset}`;
      expect(frames.map(key).sort()).toEqual(transcript.map(key).sort());
      const byKey = new Map(transcript.map((t) => [key(t), t]));
      for (const frame of frames) {
        const expected = byKey.get(key(frame))!;
        expect(frame.messages.length, `message count in ${key(frame)}`).toBe(expected.messages.length);
        frame.messages.forEach((m, i) => {
          const t = expected.messages[i];
          const where = `${rel} ${key(frame)} message ${i + 1}`;
          expect(m.bytes.toString('hex'), where).toBe(t.hex);
          if (m.type === null) {
            // A protocol or method we do not know: acceptable only where Hadoop refused the call too.
            expect(calls.get(frame.callId)?.status, `answer to unknown ${where}`).toMatch(/ERROR|FATAL/);
            totals.unknownMethodBodies++;
            return;
          }
          expect(m.type, `type of ${where}`).toBe(t.type);
          if (t.parseError) {
            // Hadoop could not parse it either (errors/08): we must refuse it with a CodecError.
            expect(() => decodeMessage(m.type as ProtoMessageName, m.bytes), where).toThrow(CodecError);
            totals.malformedBodies++;
            return;
          }
          const value = roundTrip(m.type, m.bytes);
          compareNamed(m.type, t.named ?? [], value, m.type.slice(m.type.lastIndexOf('.') + 1));
          totals.messages++;
        });
        totals.frames++;
      }
      totals.connections++;
    });
  }

  it('summary', () => {
    console.log(
      `verified ${totals.connections} connections, ${totals.frames} frames, ${totals.messages} messages ` +
        `(${stats.namedFields} named fields, ${stats.tokenIdentifiers} token identifiers); ` +
        `${totals.unknownMethodBodies} unknown-method bodies, ${totals.malformedBodies} malformed bodies refused`,
    );
    expect(totals.messages).toBeGreaterThan(500);
  });
});
