import { describe, expect, it } from 'vitest';
import { appLogAggregationStatus } from '../../../minicluster/resourcemanager/app-log-aggregation-status.js';

describe('appLogAggregationStatus (RMAppImpl.getLogAggregationStatusForAppReport)', () => {
  it('is DISABLED when yarn.log-aggregation-enable is off, whatever the nodes said', () => {
    expect(appLogAggregationStatus({ enabled: false, appFinal: true, nodes: ['SUCCEEDED'] })).toBe('LOG_DISABLED');
  });

  it('is NOT_START until a node reports, RUNNING while some have not finished or the application runs', () => {
    expect(appLogAggregationStatus({ enabled: true, appFinal: false, nodes: [] })).toBe('LOG_NOT_START');
    expect(appLogAggregationStatus({ enabled: true, appFinal: true, nodes: [undefined, undefined] })).toBe('LOG_NOT_START');
    expect(appLogAggregationStatus({ enabled: true, appFinal: true, nodes: ['SUCCEEDED', undefined] })).toBe('LOG_RUNNING');
    expect(appLogAggregationStatus({ enabled: true, appFinal: false, nodes: ['SUCCEEDED'] })).toBe('LOG_RUNNING');
  });

  it('is SUCCEEDED, or FAILED when a node failed, once the application ended and every node finished', () => {
    expect(appLogAggregationStatus({ enabled: true, appFinal: true, nodes: ['SUCCEEDED', 'SUCCEEDED'] })).toBe('LOG_SUCCEEDED');
    expect(appLogAggregationStatus({ enabled: true, appFinal: true, nodes: ['SUCCEEDED', 'FAILED'] })).toBe('LOG_FAILED');
    expect(appLogAggregationStatus({ enabled: true, appFinal: true, nodes: ['RUNNING'], settled: 'LOG_SUCCEEDED' })).toBe('LOG_SUCCEEDED');
  });
});
