import { describe, expect, it } from 'vitest';
import {
  APPLICATION_CLIENT_PROTOCOL,
  APPLICATION_MASTER_PROTOCOL,
  CONTAINER_MANAGEMENT_PROTOCOL,
  protocolByName,
} from '../../../../client/wire/codec/hadoop-protocols.js';
import { decodeMessage, messageType } from '../../../../client/wire/codec/protobuf-codec.js';
import { readFixture, readFixtureJson } from '../../../support/fixtures.js';
import { decodedCalls, roundTrip, type Call } from './recorded-connection.js';

// Expected values below are read off the fixtures' .decoded.txt / prototext files.

function calls(rel: string, method: string): Call[] {
  return decodedCalls(rel).filter((c) => c.method === method);
}

describe('named fields of recorded YARN messages', () => {
  it('register response: maximumCapability 8192 MB / 4 vcores, queue default', () => {
    const [reg] = calls('distributedshell/05-am-rm-8030-scheduler.json', 'registerApplicationMaster');
    expect(reg.request).toEqual({ host: 'vm/127.0.0.1', rpc_port: -1, tracking_url: '' });
    expect(reg.response.maximumCapability.memory).toBe(8192);
    expect(reg.response.maximumCapability.virtual_cores).toBe(4);
    expect(reg.response.queue).toBe('default');
    expect(reg.response.scheduler_resource_types).toEqual(['MEMORY']);
  });

  it('allocate response: allocated container, ContainerToken and the NMToken for 127.0.0.1:45454', () => {
    const responses = calls('distributedshell/05-am-rm-8030-scheduler.json', 'allocate').map((c) => c.response);
    const withContainer = responses.find((r) => r.allocated_containers?.length)!;
    const container = withContainer.allocated_containers[0];
    expect(container.id.id).toBe(2);
    expect(container.id.app_attempt_id).toEqual({ application_id: { id: 2, cluster_timestamp: 1795373400808 }, attemptId: 1 });
    expect(container.nodeId).toEqual({ host: 'localhost', port: 45454 });
    expect(container.node_http_address).toBe('localhost:8042');
    expect(container.container_token.kind).toBe('ContainerToken');
    expect(container.container_token.service).toBe('127.0.0.1:45454');
    const tokenId = roundTrip('hadoop.yarn.ContainerTokenIdentifierProto', container.container_token.identifier);
    expect(tokenId.containerType).toBe('TASK');
    expect(tokenId.nmHostAddr).toBe('localhost:45454');
    expect(tokenId.masterKeyId).toBe(-177034757);

    const nm = withContainer.nm_tokens[0];
    expect(nm.token.kind).toBe('NMToken');
    expect(nm.token.service).toBe('127.0.0.1:45454');
    expect(nm.nodeId).toEqual({ host: 'localhost', port: 45454 });
    const nmId = roundTrip('hadoop.yarn.NMTokenIdentifierProto', nm.token.identifier);
    expect(nmId).toMatchObject({ appSubmitter: 'root', keyId: 1575232252, nodeId: { host: 'localhost', port: 45454 } });
  });

  it('application reports walk ACCEPTED -> RUNNING -> FINISHED', () => {
    const states = calls('distributedshell/01-client-rm-8032.json', 'getApplicationReport').map(
      (c) => c.response?.application_report?.yarn_application_state,
    );
    expect(states[0]).toBe('ACCEPTED');
    expect(states).toContain('RUNNING');
    expect(states[states.length - 1]).toBe('FINISHED');
  });

  it('completed statuses carry exit codes -105 and -100 in the probe AM run', () => {
    const exits = calls('probe-am/05-am-rm-8030-scheduler.json', 'allocate')
      .flatMap((c) => c.response?.completed_container_statuses ?? [])
      .map((s: any) => s.exit_status);
    expect(exits).toEqual(expect.arrayContaining([-105, -100, 0]));
  });

  it('forceKillApplication answers is_kill_completed false, then true', () => {
    const kills = calls('yarnclient-probe/01-client-rm-8032-yarnclient.json', 'forceKillApplication');
    expect(kills.map((c) => c.response.is_kill_completed)).toEqual([false, true]);
  });

  it('getDelegationToken returns an RM_DELEGATION_TOKEN with empty service', () => {
    const [dt] = calls('delegation-token/01-client-rm-8032-getDelegationToken.json', 'getDelegationToken');
    expect(dt.response.token.kind).toBe('RM_DELEGATION_TOKEN');
    expect(dt.response.token.service).toBe('');
    const id = roundTrip('hadoop.yarn.YARNDelegationTokenIdentifierProto', dt.response.token.identifier);
    expect(id).toMatchObject({ owner: 'root', renewer: 'root' });
  });
});

describe('AM restart: register responses of both attempts', () => {
  const hex = (n: number) =>
    readFixture(`am-restart/capture-_0013/register-response-attempt${n}.wire.hex`).toString('utf8').replace(/\s+/g, '');

  it('attempt 1 round-trips', () => {
    const value = roundTrip('hadoop.yarn.RegisterApplicationMasterResponseProto', Buffer.from(hex(1), 'hex'));
    expect(value.containers_from_previous_attempts).toBeUndefined();
    expect(value.resource_types.map((r: any) => r.name)).toEqual(['memory-mb', 'vcores']);
  });

  it('attempt 2 (803 bytes, fields 1,4,5,6,7,9) round-trips with the kept containers and NM tokens', () => {
    const bytes = Buffer.from(hex(2), 'hex');
    expect(bytes.length).toBe(803);
    const value = roundTrip('hadoop.yarn.RegisterApplicationMasterResponseProto', bytes);
    const ids = Object.keys(value).map((k) => messageType('hadoop.yarn.RegisterApplicationMasterResponseProto').fields[k].id);
    expect(ids.sort((a, b) => a - b)).toEqual([1, 4, 5, 6, 7, 9]);
    expect(value.containers_from_previous_attempts.length).toBeGreaterThan(0);
    expect(value.nm_tokens_from_previous_attempts[0].token.kind).toBe('NMToken');
  });
});

describe('token identifiers of the SASL vectors', () => {
  const vectors = readFixtureJson<{ cases: { name: string; token_kind: string; token_identifier_hex: string }[] }>(
    'ipc/sasl-digest-md5-vectors.json',
  );
  const typeOf: Record<string, string> = {
    YARN_AM_RM_TOKEN: 'hadoop.yarn.AMRMTokenIdentifierProto',
    NMToken: 'hadoop.yarn.NMTokenIdentifierProto',
  };
  for (const c of vectors.cases) {
    it(`${c.name} round-trips as ${c.token_kind}`, () => {
      const value = roundTrip(typeOf[c.token_kind], Buffer.from(c.token_identifier_hex, 'hex'));
      expect(value.appAttemptId.application_id.cluster_timestamp).toBe(1795373400808);
      expect(typeof value.keyId).toBe('number');
    });
  }
});

describe('protocol descriptors', () => {
  it('name every request and response type that the loaded protos define', () => {
    for (const p of [APPLICATION_CLIENT_PROTOCOL, APPLICATION_MASTER_PROTOCOL, CONTAINER_MANAGEMENT_PROTOCOL]) {
      expect(protocolByName(p.name)).toBe(p);
      for (const [method, m] of Object.entries(p.methods)) {
        expect(() => messageType(m.request), `${p.name}.${method} request`).not.toThrow();
        expect(() => messageType(m.response), `${p.name}.${method} response`).not.toThrow();
      }
    }
  });

  it('cover the methods listed in the fixtures README', () => {
    const seen = {
      [APPLICATION_CLIENT_PROTOCOL.name]: [
        'getNewApplication',
        'submitApplication',
        'getApplicationReport',
        'getApplications',
        'forceKillApplication',
        'getClusterMetrics',
        'getClusterNodes',
        'getQueueInfo',
        'getQueueUserAcls',
        'getResourceTypeInfo',
        'getResourceProfiles',
        'getDelegationToken',
      ],
      [APPLICATION_MASTER_PROTOCOL.name]: ['registerApplicationMaster', 'allocate', 'finishApplicationMaster'],
      [CONTAINER_MANAGEMENT_PROTOCOL.name]: ['startContainers', 'getContainerStatuses', 'stopContainers'],
    };
    for (const [name, methods] of Object.entries(seen)) {
      for (const m of methods) expect(protocolByName(name)!.methods[m], `${name}.${m}`).toBeDefined();
    }
    expect(APPLICATION_CLIENT_PROTOCOL.methods.getDelegationToken.request).toBe('hadoop.common.GetDelegationTokenRequestProto');
  });

  it('an empty request still decodes (GetClusterMetricsRequestProto is a zero-length message)', () => {
    expect(decodeMessage('hadoop.yarn.GetClusterMetricsRequestProto', new Uint8Array(0))).toEqual({});
  });
});
