// The protobuf Root grows on demand (client/wire/codec/proto-root.ts): a message in use is added with
// what it refers to, and nothing else, so a CLI start does not build 200-odd messages it never uses.
import { describe, expect, it } from 'vitest';
import { protoRootWith } from '../../../../client/wire/codec/proto-root.js';
import { decodeMessage, encodeMessage } from '../../../../client/wire/codec/protobuf-codec.js';

describe('the protobuf Root, built on demand', () => {
  it('holds a message and the messages it refers to, not the others', () => {
    const root = protoRootWith('hadoop.common.IpcConnectionContextProto');
    expect(root.lookupType('hadoop.common.IpcConnectionContextProto').fieldsArray.map((f) => f.name)).toEqual(['userInfo', 'protocol']);
    expect(root.lookup('hadoop.common.UserInformationProto')).not.toBeNull();
    expect(root.lookup('hadoop.yarn.ApplicationReportProto')).toBeNull();
    expect(root.lookup('hadoop.yarn.GetApplicationsResponseProto')).toBeNull();
  });

  it('adds a message named by a nested name, with everything its fields reach, across packages and files', () => {
    const report = {
      applicationId: { id: 7, cluster_timestamp: 1700000000000 },
      user: 'alice',
      yarn_application_state: 'RUNNING' as const,
      currentApplicationAttemptId: { application_id: { id: 7, cluster_timestamp: 1700000000000 }, attemptId: 1 },
      app_resource_Usage: { num_used_containers: 2, used_resources: { memory: 1024, virtual_cores: 1 } },
    };
    const bytes = encodeMessage('hadoop.yarn.GetApplicationsResponseProto', { applications: [report] });
    expect(decodeMessage('hadoop.yarn.GetApplicationsResponseProto', bytes)).toMatchObject({ applications: [{ user: 'alice' }] });
    expect(
      protoRootWith('hadoop.common.RpcResponseHeaderProto.RpcStatusProto').lookupEnum('hadoop.common.RpcResponseHeaderProto.RpcStatusProto')
        .values.SUCCESS,
    ).toBe(0);
  });

  it('keeps proto2 required fields required (the editions features are resolved for each added message)', () => {
    expect(() => decodeMessage('hadoop.common.RequestHeaderProto', new Uint8Array(0))).toThrow(/methodName/);
  });
});
