import { describe, expect, it } from 'vitest';
import {
  YarnIdError,
  containerIdFromProto,
  containerIdToProto,
  formatApplicationAttemptId,
  formatApplicationId,
  formatContainerId,
  parseApplicationAttemptId,
  parseApplicationId,
  parseContainerId,
  parseNodeId,
} from '../../../../client/wire/codec/yarn-ids.js';

describe('YARN ids', () => {
  it('formats and parses the ids seen in the recordings', () => {
    const app = { clusterTimestamp: 1795460840938, id: 3 };
    expect(formatApplicationId(app)).toBe('application_1795460840938_0003');
    expect(parseApplicationId('application_1795460840938_0003')).toEqual(app);
    expect(formatApplicationAttemptId({ applicationId: app, attemptId: 2 })).toBe('appattempt_1795460840938_0003_000002');
    expect(parseApplicationAttemptId('appattempt_1795460840938_0003_000002')).toEqual({ applicationId: app, attemptId: 2 });
    const c = parseContainerId('container_1795460840938_0009_02_000001');
    expect(c).toEqual({
      applicationAttemptId: { applicationId: { clusterTimestamp: 1795460840938, id: 9 }, attemptId: 2 },
      epoch: 0,
      sequence: 1,
    });
    expect(formatContainerId(c)).toBe('container_1795460840938_0009_02_000001');
  });

  it('lets numbers outgrow the minimum digit counts', () => {
    expect(formatApplicationId({ clusterTimestamp: 1, id: 12345 })).toBe('application_1_12345');
    const c = { applicationAttemptId: { applicationId: { clusterTimestamp: 5, id: 1 }, attemptId: 123 }, epoch: 0, sequence: 1234567 };
    expect(formatContainerId(c)).toBe('container_5_0001_123_1234567');
    expect(parseContainerId('container_5_0001_123_1234567')).toEqual(c);
  });

  it('carries the epoch in bits 40+ of the proto id and prints it with two digits', () => {
    const c = parseContainerId('container_e17_1410901177871_0001_01_000005');
    expect(c.epoch).toBe(17);
    expect(c.sequence).toBe(5);
    const proto = containerIdToProto(c);
    expect(proto.id).toBe(17 * 2 ** 40 + 5);
    expect(BigInt(proto.id!) >> 40n).toBe(17n);
    expect(proto.app_attempt_id).toEqual({ application_id: { id: 1, cluster_timestamp: 1410901177871 }, attemptId: 1 });
    expect(formatContainerId(containerIdFromProto(proto))).toBe('container_e17_1410901177871_0001_01_000005');
    expect(formatContainerId({ ...c, epoch: 1 })).toBe('container_e01_1410901177871_0001_01_000005');
  });

  it('refuses bad input with a message naming the expected form', () => {
    expect(() => parseApplicationId('x')).toThrow("not a YARN application id: 'x' (expected application_<clusterTimestamp>_<sequence>)");
    expect(() => parseApplicationId('application_12_ab')).toThrow(YarnIdError);
    expect(() => parseApplicationId('application_12_-1')).toThrow(YarnIdError);
    expect(() => parseApplicationAttemptId('appattempt_1_0001')).toThrow(/not a YARN application attempt id/);
    expect(() => parseContainerId('container_ex_1_0001_01_000001')).toThrow(/not a YARN container id/);
    expect(() => parseContainerId('container_1_0001_01')).toThrow(/not a YARN container id/);
    expect(() => parseNodeId('localhost')).toThrow("not a YARN node id: 'localhost' (expected <host>:<port>)");
    expect(parseNodeId('localhost:45454')).toEqual({ host: 'localhost', port: 45454 });
  });
});
