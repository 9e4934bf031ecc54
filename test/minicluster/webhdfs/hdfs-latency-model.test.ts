// The WebHDFS latency model on its own: its draws follow the Hadoop 3.3.6 figures it cites, a
// seed repeats them, and `none` never waits.
import { describe, expect, it } from 'vitest';
import { HdfsLatency, nameNodeStep, type HdfsLatencyStep } from '../../../minicluster/webhdfs/hdfs-latency.js';

const draws = (latency: HdfsLatency, step: HdfsLatencyStep, count: number) => Array.from({ length: count }, () => latency.draw(step));

describe('HDFS latency model', () => {
  it('completes most writes in 5-10 ms and about one in seven after the 400 ms retry', () => {
    const completions = draws(new HdfsLatency({ scale: 1, seed: 42 }), 'write-completion', 10_000);
    const slow = completions.filter((ms) => ms >= 400);
    expect(slow.length / completions.length).toBeGreaterThan(0.13);
    expect(slow.length / completions.length).toBeLessThan(0.17);
    expect(Math.max(...slow)).toBeLessThanOrEqual(420);
    const fast = completions.filter((ms) => ms < 400);
    expect(Math.min(...fast)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...fast)).toBeLessThanOrEqual(10);
  });

  it('keeps every step within its cited range', () => {
    const latency = new HdfsLatency({ scale: 1, seed: 7 });
    const range = (step: HdfsLatencyStep) => {
      const d = draws(latency, step, 2000);
      return [Math.min(...d), Math.max(...d)];
    };
    expect(range('namenode-read')).toEqual([expect.closeTo(2, 0), expect.closeTo(8, 0)]);
    expect(range('namenode-write')).toEqual([expect.closeTo(3, 0), expect.closeTo(15, 0)]);
    expect(range('namenode-rename')).toEqual([expect.closeTo(15, 0), expect.closeTo(60, 0)]);
    expect(range('datanode-read')).toEqual([expect.closeTo(5, 0), expect.closeTo(20, 0)]);
    expect(range('write-pipeline')).toEqual([expect.closeTo(25, 0), expect.closeTo(50, 0)]);
  });

  it('repeats its delays for a seed, one stream per step', () => {
    const a = new HdfsLatency({ scale: 1, seed: 5 });
    const b = new HdfsLatency({ scale: 1, seed: 5 });
    draws(b, 'namenode-read', 17); // draws of another step do not shift this one's
    expect(draws(a, 'write-completion', 20)).toEqual(draws(b, 'write-completion', 20));
    expect(draws(new HdfsLatency({ scale: 1, seed: 6 }), 'write-pipeline', 5)).not.toEqual(
      draws(new HdfsLatency({ scale: 1, seed: 5 }), 'write-pipeline', 5),
    );
  });

  it('scales every delay, and none waits for nothing', async () => {
    const real = draws(new HdfsLatency({ scale: 1, seed: 3 }), 'namenode-rename', 10);
    const half = draws(new HdfsLatency({ scale: 0.5, seed: 3 }), 'namenode-rename', 10);
    expect(half).toEqual(real.map((ms) => expect.closeTo(ms / 2, 9)));
    expect(draws(HdfsLatency.NONE, 'write-completion', 100).every((ms) => ms === 0)).toBe(true);
    expect(HdfsLatency.NONE.describe()).toBe('none');
    expect(new HdfsLatency({ scale: 1, seed: 3 }).describe()).toBe('real (seed 3)');
    expect(new HdfsLatency({ scale: 0.5, seed: 3 }).describe()).toBe('real x0.5 (seed 3)');
    expect(() => new HdfsLatency({ scale: -1 })).toThrow(/scale must be a number >= 0/);
  });

  it('gives RENAME its own figures and namespace changes the edit log sync', () => {
    expect(nameNodeStep('RENAME')).toBe('namenode-rename');
    for (const op of ['MKDIRS', 'DELETE', 'SETPERMISSION', 'SETOWNER', 'SETREPLICATION', 'SETTIMES'])
      expect(nameNodeStep(op)).toBe('namenode-write');
    for (const op of ['GETFILESTATUS', 'LISTSTATUS', 'CREATE', 'OPEN', '']) expect(nameNodeStep(op)).toBe('namenode-read');
  });
});
