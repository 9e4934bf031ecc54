import { describe, expect, it } from 'vitest';
import { describeCluster } from '../../../../client/deploy/running/session-attach.js';

const report = (tags: string[], name = 'Loom session cluster') => ({ applicationId: 'application_1_0007', applicationTags: tags, name });

describe('attach messages name the cluster by its mode', () => {
  it('session, per-job cluster, application cluster, or Loom cluster when the mode is unknown', () => {
    expect(describeCluster(report(['loom-mode:session']))).toBe('session application_1_0007');
    expect(describeCluster(report(['team:a', 'loom-mode:per-job'], 'wordcount'))).toBe('per-job cluster application_1_0007');
    expect(describeCluster(report(['loom-mode:application'], 'etl'))).toBe('application cluster application_1_0007');
    expect(describeCluster(report([]))).toBe('session application_1_0007');
    expect(describeCluster(report([], 'something'))).toBe('Loom cluster application_1_0007');
  });
});
