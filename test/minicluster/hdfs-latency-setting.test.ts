// Which WebHDFS latency a mini cluster gets: the option, else LOOM_MINICLUSTER_HDFS_LATENCY, else real.
import { describe, expect, it } from 'vitest';
import { chooseHdfsLatency, hdfsLatencyOf, parseHdfsLatencySetting } from '../../minicluster/hdfs-latency-setting.js';
import { HdfsLatency } from '../../minicluster/webhdfs/hdfs-latency.js';

describe('HDFS latency setting', () => {
  it('is real unless the option or the environment says otherwise; the option wins', () => {
    expect(chooseHdfsLatency(undefined, {})).toBe('real');
    expect(chooseHdfsLatency(undefined, { LOOM_MINICLUSTER_HDFS_LATENCY: '' })).toBe('real');
    expect(chooseHdfsLatency(undefined, { LOOM_MINICLUSTER_HDFS_LATENCY: 'none' })).toBe('none');
    expect(chooseHdfsLatency(undefined, { LOOM_MINICLUSTER_HDFS_LATENCY: ' Real ' })).toBe('real');
    expect(chooseHdfsLatency(undefined, { LOOM_MINICLUSTER_HDFS_LATENCY: '0.25' })).toBe(0.25);
    expect(chooseHdfsLatency('real', { LOOM_MINICLUSTER_HDFS_LATENCY: 'none' })).toBe('real');
    expect(chooseHdfsLatency(2, { LOOM_MINICLUSTER_HDFS_LATENCY: 'none' })).toBe(2);
  });

  it('refuses anything but real, none or a scale >= 0, naming where it came from', () => {
    expect(() => chooseHdfsLatency(undefined, { LOOM_MINICLUSTER_HDFS_LATENCY: 'fast' })).toThrow(
      'LOOM_MINICLUSTER_HDFS_LATENCY must be real, none or a scale >= 0 (e.g. 0.5), got "fast"',
    );
    expect(() => parseHdfsLatencySetting('-1', '--hdfs-latency')).toThrow('--hdfs-latency must be real, none or a scale >= 0');
    expect(() => parseHdfsLatencySetting(' ', '--hdfs-latency')).toThrow('--hdfs-latency must be');
  });

  it('turns into the model: none and 0 wait for nothing, real is scale 1 with the given seed', () => {
    expect(hdfsLatencyOf('none')).toBe(HdfsLatency.NONE);
    expect(hdfsLatencyOf(0)).toBe(HdfsLatency.NONE);
    const real = hdfsLatencyOf('real', 9);
    expect([real.scale, real.seed, real.enabled]).toEqual([1, 9, true]);
    expect(hdfsLatencyOf(0.5).scale).toBe(0.5);
  });
});
