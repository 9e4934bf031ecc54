import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../../client/wire/codec/codec-error.js';
import { Credentials } from '../../../../client/wire/security/credentials-file.js';
import { tokenSaslCredentials } from '../../../../client/wire/security/sasl-digest-md5.js';
import {
  createTokenPassword,
  decodeAMRMTokenIdentifier,
  decodeContainerTokenIdentifier,
  decodeNMTokenIdentifier,
  decodeRMDelegationTokenIdentifier,
  decodeTokenIdentifier,
  encodeAMRMTokenIdentifier,
  encodeContainerTokenIdentifier,
  encodeNMTokenIdentifier,
  encodeRMDelegationTokenIdentifier,
  generateMasterKey,
  mintToken,
} from '../../../../client/wire/security/token-identifiers.js';
import { formatApplicationAttemptId, formatContainerId, formatNodeId } from '../../../../client/wire/codec/yarn-ids.js';
import { fixturePath, readFixture, readFixtureJson } from '../../../support/fixtures.js';

interface ParsedIdentifier {
  file: string;
  type: string;
  hex: string;
  block: string;
}

/** Every token identifier the fixture decoder printed with Hadoop's own descriptors. */
function identifiersInTranscripts(): ParsedIdentifier[] {
  const out: ParsedIdentifier[] = [];
  const ipc = fixturePath('ipc');
  for (const dir of readdirSync(ipc, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(join(ipc, dir.name)).filter((n) => n.endsWith('.decoded.txt'))) {
      const text = readFileSync(join(ipc, dir.name, f), 'utf8');
      const re = /identifier \(1\): bytes\[\d+\] hex (\w+)\n(\s+)\[identifier parsed as hadoop\.yarn\.(\w+)\] \{\n([\s\S]*?)\n\2\}/g;
      for (const m of text.matchAll(re)) out.push({ file: `${dir.name}/${f}`, hex: m[1], type: m[3], block: m[4] });
    }
  }
  return out;
}

const field = (block: string, name: string): string | undefined => new RegExp(`\\b${name} \\(\\d+\\): "?([^"\\n]*)"?`).exec(block)?.[1];
const num = (block: string, name: string): number | undefined => {
  const v = field(block, name);
  return v === undefined ? undefined : Number(v);
};
const attemptText = (block: string) =>
  `appattempt_${field(block, 'cluster_timestamp')}_${field(block, 'id')!.padStart(4, '0')}_${field(block, 'attemptId')!.padStart(6, '0')}`;

const found = identifiersInTranscripts();

describe('token identifiers in the recorded transcripts', () => {
  it('finds the 13 ContainerToken and 2 NMToken identifiers', () => {
    expect(found.filter((f) => f.type === 'ContainerTokenIdentifierProto').length).toBe(13);
    expect(found.filter((f) => f.type === 'NMTokenIdentifierProto').length).toBe(2);
  });

  for (const [i, f] of found.entries()) {
    it(`#${i} ${f.type} in ${f.file}: fields as Hadoop decoded them, identical bytes re-encoded`, () => {
      const bytes = Buffer.from(f.hex, 'hex');
      if (f.type === 'NMTokenIdentifierProto') {
        const id = decodeNMTokenIdentifier(bytes);
        expect(formatApplicationAttemptId(id.applicationAttemptId)).toBe(attemptText(f.block));
        expect(formatNodeId(id.nodeId)).toBe(`${field(f.block, 'host')}:${field(f.block, 'port')}`);
        expect(id.appSubmitter).toBe(field(f.block, 'appSubmitter'));
        expect(id.keyId).toBe(num(f.block, 'keyId'));
        expect(encodeNMTokenIdentifier(id).toString('hex')).toBe(f.hex);
      } else {
        const id = decodeContainerTokenIdentifier(bytes);
        for (const name of [
          'nmHostAddr',
          'memory',
          'expiryTimeStamp',
          'masterKeyId',
          'rmIdentifier',
          'creationTime',
          'containerType',
          'executionType',
          'allocation_request_id',
        ]) {
          expect(field(f.block, name), `${name} printed by the fixture decoder`).toBeDefined();
        }
        // containerId { app_attempt_id { application_id { id, cluster_timestamp }, attemptId }, id }
        const seq = field(f.block.slice(f.block.indexOf('attemptId')), 'id')!.padStart(6, '0');
        const app = field(f.block, 'id')!.padStart(4, '0');
        const attempt = field(f.block, 'attemptId')!.padStart(2, '0');
        expect(formatContainerId(id.containerId)).toBe(`container_${field(f.block, 'cluster_timestamp')}_${app}_${attempt}_${seq}`);
        expect(id.nmHostAddr).toBe(field(f.block, 'nmHostAddr'));
        expect(id.appSubmitter).toBe(field(f.block, 'appSubmitter'));
        expect(id.resource?.memory).toBe(num(f.block, 'memory'));
        expect(id.expiryTimeStamp).toBe(num(f.block, 'expiryTimeStamp'));
        expect(id.masterKeyId).toBe(num(f.block, 'masterKeyId'));
        expect(id.rmIdentifier).toBe(num(f.block, 'rmIdentifier'));
        expect(id.creationTime).toBe(num(f.block, 'creationTime'));
        expect(id.containerType).toBe(field(f.block, 'containerType')?.split(' ')[0]);
        expect(id.executionType).toBe(field(f.block, 'executionType')?.split(' ')[0]);
        expect(id.allocationRequestId).toBe(num(f.block, 'allocation_request_id'));
        expect(encodeContainerTokenIdentifier(id).toString('hex')).toBe(f.hex);
      }
    });
  }
});

describe('AMRMToken identifiers from the container token files', () => {
  it('decode as Hadoop decoded them and re-encode to identical bytes', () => {
    // distributedshell: decodeIdentifier() printed in the credentials dump
    const ds = Credentials.parse(readFixture('containers', 'distributedshell', 'am-container_tokens.bin')).findToken('YARN_AM_RM_TOKEN')!;
    const id = decodeAMRMTokenIdentifier(ds.identifier);
    expect(id).toEqual({
      applicationAttemptId: { applicationId: { id: 2, clusterTimestamp: 1795373400808 }, attemptId: 1 },
      keyId: -84017934,
    });
    expect(encodeAMRMTokenIdentifier(id).equals(ds.identifier)).toBe(true);
    // am-restart: the AMs logged the attempt id and key id from AMRMTokenIdentifier
    for (const dir of ['am-restart', 'am-restart/capture-_0013']) {
      for (const attempt of [1, 2]) {
        const token = Credentials.parse(readFixture(dir, `am-attempt${attempt}-container_tokens.bin`)).findToken('YARN_AM_RM_TOKEN')!;
        const log = readFileSync(fixturePath(dir, `am-attempt${attempt}-stdout.txt`), 'utf8');
        const [, attemptId, keyId] = /AMRMTOKEN_IDENTIFIER attemptId=(\S+) keyId=(-?\d+)/.exec(log)!;
        const decoded = decodeTokenIdentifier(token);
        expect(decoded?.kind).toBe('YARN_AM_RM_TOKEN');
        const amrm = decodeAMRMTokenIdentifier(token.identifier);
        expect(formatApplicationAttemptId(amrm.applicationAttemptId)).toBe(attemptId);
        expect(amrm.keyId).toBe(Number(keyId));
        expect(encodeAMRMTokenIdentifier(amrm).equals(token.identifier)).toBe(true);
      }
    }
  });

  it('the RM delegation token identifier matches the dump', () => {
    const creds = Credentials.parse(readFixture('containers', 'credentials-samples', 'multi-token.writable.bin'));
    const token = creds.findToken('RM_DELEGATION_TOKEN')!;
    const decoded = decodeTokenIdentifier(token);
    // owner=root, renewer=root, realUser=, issueDate=1795374166928, maxDate=1795978966928, sequenceNumber=2, masterKeyId=2
    expect(decoded).toEqual({
      kind: 'RM_DELEGATION_TOKEN',
      identifier: { owner: 'root', renewer: 'root', issueDate: 1795374166928, maxDate: 1795978966928, sequenceNumber: 2, masterKeyId: 2 },
    });
    expect(encodeRMDelegationTokenIdentifier(decodeRMDelegationTokenIdentifier(token.identifier)).equals(token.identifier)).toBe(true);
    expect(decodeTokenIdentifier({ kind: 'HDFS_DELEGATION_TOKEN', identifier: Buffer.alloc(3) })).toBeUndefined();
  });

  it('garbage and missing fields give CodecError naming the identifier', () => {
    expect(() => decodeAMRMTokenIdentifier(Buffer.from('0a0d0a09', 'hex'))).toThrow(CodecError);
    expect(() => decodeAMRMTokenIdentifier(Buffer.from('1001', 'hex'))).toThrow(/AMRM token identifier has no appAttemptId/);
    expect(() => decodeNMTokenIdentifier(Buffer.from('0a0d0a09080210e885e0a4a0341001', 'hex'))).toThrow(
      /NMToken token identifier has no nodeId/,
    );
    expect(() => decodeContainerTokenIdentifier(Buffer.from('ff', 'hex'))).toThrow(/cannot decode ContainerToken token identifier/);
  });
});

describe('minting tokens', () => {
  it('password = HMAC-SHA1(key, identifier) (RFC 2202 test case 1)', () => {
    expect(createTokenPassword(Buffer.from('Hi There'), Buffer.alloc(20, 0x0b)).toString('hex')).toBe(
      'b617318655057264e28bc0b6fb378c8ef146be00',
    );
  });

  it('a minted NMToken round-trips and authenticates through DIGEST-MD5 credentials', () => {
    const key = generateMasterKey();
    expect(key.length).toBe(8);
    const identifier = encodeNMTokenIdentifier({
      applicationAttemptId: { applicationId: { id: 7, clusterTimestamp: 1795373400808 }, attemptId: 2 },
      nodeId: { host: 'localhost', port: 45454 },
      appSubmitter: 'root',
      keyId: 42,
    });
    const token = mintToken({ kind: 'NMToken', service: '127.0.0.1:45454', identifier, masterKey: key });
    expect(token.password.length).toBe(20);
    expect(token.password.equals(createTokenPassword(identifier, key))).toBe(true);
    expect(decodeNMTokenIdentifier(token.identifier).keyId).toBe(42);
    expect(tokenSaslCredentials(token).username).toBe(identifier.toString('base64'));
  });

  it('the recorded NMToken identifier in the SASL vectors re-encodes exactly', () => {
    const cases = readFixtureJson<{ cases: { token_kind: string; token_identifier_hex: string }[] }>(
      'ipc',
      'sasl-digest-md5-vectors.json',
    ).cases;
    for (const c of cases) {
      const bytes = Buffer.from(c.token_identifier_hex, 'hex');
      const again =
        c.token_kind === 'NMToken'
          ? encodeNMTokenIdentifier(decodeNMTokenIdentifier(bytes))
          : encodeAMRMTokenIdentifier(decodeAMRMTokenIdentifier(bytes));
      expect(again.toString('hex')).toBe(c.token_identifier_hex);
    }
  });
});
