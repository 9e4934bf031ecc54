import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type {
  AllocateResponseProto,
  ApplicationReportProto,
  GetApplicationReportResponseProto,
  RegisterApplicationMasterResponseProto,
  YarnApplicationStateProto,
} from '../../../../client/wire/codec/generated/proto-messages.js';
import { CodecError } from '../../../../client/wire/codec/codec-error.js';
import { decodeMessage, type ProtoMessageName } from '../../../../client/wire/codec/protobuf-codec.js';
import { FIXTURES, readFixtureJson, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { classify, connectionFiles } from './recorded-connection.js';

// The interfaces in client/wire/codec/generated/proto-messages.ts are written by
// scripts/generate-protocol-types.mjs; they must describe what decodeMessage really returns. The
// first block checks that at compile time (a decoded fixture is assigned to the generated type and
// its fields to the TypeScript types a reader expects); the second walks every message of every
// recorded YARN connection and checks each value against the generated declaration text.

const GENERATED = join(dirname(fileURLToPath(import.meta.url)), '../../../../client/wire/codec/generated/proto-messages.ts');

/** The bytes of the first recorded message of this type in a connection. */
function recorded(relPath: string, type: ProtoMessageName, nth = 0): Buffer {
  const { frames } = classify(readFixtureJson<IpcConnectionFixture>('ipc', relPath));
  const found = frames.flatMap((f) => f.messages).filter((m) => m.type === type);
  if (!found[nth]) throw new Error(`${relPath} has no ${type} #${nth}`);
  return found[nth].bytes;
}

describe('generated message types agree with decoded fixtures (compile time)', () => {
  it('register response: int32 as number, repeated enum as string array', () => {
    const reg: RegisterApplicationMasterResponseProto = decodeMessage(
      'hadoop.yarn.RegisterApplicationMasterResponseProto',
      recorded('distributedshell/05-am-rm-8030-scheduler.json', 'hadoop.yarn.RegisterApplicationMasterResponseProto'),
    );
    const memory: number | undefined = reg.maximumCapability?.memory;
    const queue: string | undefined = reg.queue;
    const types: string[] | undefined = reg.scheduler_resource_types;
    expect(memory).toBe(8192);
    expect(queue).toBe('default');
    expect(types).toEqual(['MEMORY']);
  });

  it('application report: int64 as number, enum as its name', () => {
    const r: GetApplicationReportResponseProto = decodeMessage(
      'hadoop.yarn.GetApplicationReportResponseProto',
      recorded('distributedshell/01-client-rm-8032.json', 'hadoop.yarn.GetApplicationReportResponseProto'),
    );
    const report: ApplicationReportProto | undefined = r.application_report;
    const clusterTimestamp: number | undefined = report?.applicationId?.cluster_timestamp;
    const state: YarnApplicationStateProto | undefined = report?.yarn_application_state;
    expect(clusterTimestamp).toBe(1795373400808);
    expect(state).toBe('ACCEPTED');
  });

  it('allocate response: repeated messages as arrays, bytes as Uint8Array', () => {
    const responses = [0, 1, 2, 3, 4].map((n): AllocateResponseProto =>
      decodeMessage(
        'hadoop.yarn.AllocateResponseProto',
        recorded('distributedshell/05-am-rm-8030-scheduler.json', 'hadoop.yarn.AllocateResponseProto', n),
      ),
    );
    const withContainer = responses.find((r) => r.allocated_containers?.length);
    const identifier: Uint8Array | undefined = withContainer?.allocated_containers?.[0].container_token?.identifier;
    const port: number | undefined = withContainer?.nm_tokens?.[0].nodeId?.port;
    expect(identifier).toBeInstanceOf(Uint8Array);
    expect(port).toBe(45454);
  });
});

// ---- run time: every decoded fixture message against the generated declarations ---------------

interface DeclaredField {
  type: string;
  optional: boolean;
}

/** Reads the generated module: interfaces (name -> fields) and enum unions (name -> values). */
function readDeclarations(): { interfaces: Map<string, Map<string, DeclaredField>>; enums: Map<string, Set<string>> } {
  const source = ts.createSourceFile(GENERATED, readFileSync(GENERATED, 'utf8'), ts.ScriptTarget.ES2022, true);
  const interfaces = new Map<string, Map<string, DeclaredField>>();
  const enums = new Map<string, Set<string>>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const fields = new Map<string, DeclaredField>();
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        fields.set(member.name.getText(source).replace(/'/g, ''), { type: member.type.getText(source), optional: !!member.questionToken });
      }
      interfaces.set(statement.name.text, fields);
    } else if (ts.isTypeAliasDeclaration(statement)) {
      const t = statement.type;
      if (ts.isUnionTypeNode(t) && t.types.every((u) => ts.isLiteralTypeNode(u))) {
        enums.set(statement.name.text, new Set(t.types.map((u) => u.getText(source).replace(/'/g, ''))));
      } else if (ts.isLiteralTypeNode(t)) {
        enums.set(statement.name.text, new Set([t.getText(source).replace(/'/g, '')]));
      } else if (t.getText(source) === 'Record<string, never>') {
        interfaces.set(statement.name.text, new Map());
      }
    }
  }
  return { interfaces, enums };
}

const declarations = readDeclarations();

/** The generated name of the message for a fully qualified protobuf name, read from ProtoMessages. */
function declaredNameOf(fullName: string): string {
  const map = declarations.interfaces.get('ProtoMessages');
  const field = map?.get(fullName);
  if (!field) throw new Error(`ProtoMessages has no entry for ${fullName}`);
  return field.type;
}

function checkValue(type: string, value: unknown, where: string): void {
  if (type.endsWith('[]')) {
    expect(Array.isArray(value), `${where} is an array (${type})`).toBe(true);
    (value as unknown[]).forEach((v, i) => checkValue(type.slice(0, -2), v, `${where}[${i}]`));
    return;
  }
  if (type === 'number' || type === 'string' || type === 'boolean') {
    expect(typeof value, `${where} is a ${type}`).toBe(type);
    return;
  }
  if (type === 'Uint8Array') {
    expect(value, `${where} is a Uint8Array`).toBeInstanceOf(Uint8Array);
    return;
  }
  const values = declarations.enums.get(type);
  if (values) {
    expect(values.has(value as string), `${where} = ${String(value)} is one of ${type}`).toBe(true);
    return;
  }
  checkMessage(type, value, where);
}

function checkMessage(interfaceName: string, value: unknown, where: string): void {
  const fields = declarations.interfaces.get(interfaceName);
  if (!fields) throw new Error(`${where}: no generated declaration ${interfaceName}`);
  expect(typeof value === 'object' && value !== null, `${where} is an object (${interfaceName})`).toBe(true);
  const object = value as Record<string, unknown>;
  for (const [name, v] of Object.entries(object)) {
    const field = fields.get(name);
    expect(field, `${where}.${name} is declared in ${interfaceName}`).toBeDefined();
    checkValue(field!.type, v, `${where}.${name}`);
    checked.fields++;
  }
  for (const [name, field] of fields) {
    if (!field.optional) expect(object[name], `${where}.${name} is required by ${interfaceName}`).toBeDefined();
  }
}

const checked = { messages: 0, fields: 0, malformed: 0, types: new Set<string>() };

describe('generated message types agree with decoded fixtures (run time)', () => {
  const files = connectionFiles();

  it('finds the recorded YARN connections', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    const rel = relative(join(FIXTURES, 'ipc'), file);
    it(`${rel}: every decoded message matches its generated interface`, () => {
      const { frames } = classify(readFixtureJson<IpcConnectionFixture>('ipc', rel));
      for (const frame of frames) {
        for (const m of frame.messages) {
          if (!m.type) continue;
          const name = m.type as ProtoMessageName;
          let decoded: unknown;
          try {
            decoded = decodeMessage(name, m.bytes);
          } catch (err) {
            // errors/08 records a request body Hadoop could not parse either.
            expect(err, `${rel} ${name}`).toBeInstanceOf(CodecError);
            checked.malformed++;
            continue;
          }
          checkMessage(declaredNameOf(name), decoded, `${rel} ${name}`);
          checked.messages++;
          checked.types.add(name);
        }
      }
    });
  }

  it('checked a wide sample', () => {
    expect(checked.messages).toBeGreaterThan(500);
    expect(checked.types.size).toBeGreaterThan(30);
    expect(checked.fields).toBeGreaterThan(5000);
    expect(checked.malformed).toBeLessThanOrEqual(1);
  });
});
