import { describe, expect, it } from 'vitest';
import { escapeLabelValue, MetricDefinitionError, MetricRegistry, sampleLine } from '../../../appmaster/metrics/metric-registry.js';
import { parsePrometheusText, sampleValue } from './prometheus-text-parser.js';

describe('MetricRegistry: the text format 0.0.4', () => {
  it('writes HELP and TYPE once per family, before its samples, and counters as given', () => {
    const r = new MetricRegistry();
    const c = r.counter('loom_things_total', 'Things.\nOn two lines, with a \\ backslash.');
    c.inc({ kind: 'a' });
    c.inc({ kind: 'a' }, 2);
    c.inc({ kind: 'b' });
    r.collected('loom_level', 'A level.', 'gauge', () => [{ value: 1.5 }]);
    expect(r.render()).toBe(
      [
        '# HELP loom_things_total Things.\\nOn two lines, with a \\\\ backslash.',
        '# TYPE loom_things_total counter',
        'loom_things_total{kind="a"} 3',
        'loom_things_total{kind="b"} 1',
        '# HELP loom_level A level.',
        '# TYPE loom_level gauge',
        'loom_level 1.5',
        '',
      ].join('\n'),
    );
    const parsed = parsePrometheusText(r.render());
    expect(parsed.get('loom_things_total')?.help).toBe('Things.\nOn two lines, with a \\ backslash.');
  });

  it('escapes backslash, double quote and line feed in label values, and the parser reads them back', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const r = new MetricRegistry();
    r.collected('loom_odd', 'Odd labels.', 'gauge', () => [{ labels: { path: 'C:\\dir "x"\nnext' }, value: 7 }]);
    const text = r.render();
    expect(text).toContain('loom_odd{path="C:\\\\dir \\"x\\"\\nnext"} 7');
    expect(parsePrometheusText(text).get('loom_odd')?.samples[0]?.labels.path).toBe('C:\\dir "x"\nnext');
  });

  it('writes histogram buckets cumulatively, ending with le="+Inf", then _sum and _count', () => {
    const r = new MetricRegistry();
    const h = r.histogram('loom_wait_seconds', 'Waits.', [0.1, 1, 0.5]);
    for (const v of [0.05, 0.1, 0.3, 0.7, 2, 30]) h.observe({ route: '/x' }, v);
    const lines = r.render().split('\n');
    expect(lines.slice(2, 9)).toEqual([
      'loom_wait_seconds_bucket{route="/x",le="0.1"} 2',
      'loom_wait_seconds_bucket{route="/x",le="0.5"} 3',
      'loom_wait_seconds_bucket{route="/x",le="1"} 4',
      'loom_wait_seconds_bucket{route="/x",le="+Inf"} 6',
      'loom_wait_seconds_sum{route="/x"} 33.15',
      'loom_wait_seconds_count{route="/x"} 6',
      '',
    ]);
    const parsed = parsePrometheusText(r.render());
    expect(sampleValue(parsed, 'loom_wait_seconds_count', { route: '/x' })).toBe(6);
  });

  it('times async work and observes failures under their own labels', async () => {
    const r = new MetricRegistry();
    const h = r.histogram('loom_work_seconds', 'Work.');
    let t = 0;
    const clock = () => t;
    await h.time(
      () => {
        t = 250;
        return Promise.resolve();
      },
      (ok) => ({ outcome: ok ? 'ok' : 'error' }),
      clock,
    );
    await expect(
      h.time(
        () => Promise.reject(new Error('no')),
        (ok) => ({ outcome: ok ? 'ok' : 'error' }),
        clock,
      ),
    ).rejects.toThrow('no');
    expect(h.count({ outcome: 'ok' })).toBe(1);
    expect(h.count({ outcome: 'error' })).toBe(1);
    expect(r.render()).toContain('loom_work_seconds_sum{outcome="ok"} 0.25');
  });

  it('writes +Inf, -Inf and NaN as Prometheus does', () => {
    expect(sampleLine('loom_x', {}, Number.POSITIVE_INFINITY)).toBe('loom_x +Inf');
    expect(sampleLine('loom_x', {}, Number.NEGATIVE_INFINITY)).toBe('loom_x -Inf');
    expect(sampleLine('loom_x', {}, Number.NaN)).toBe('loom_x NaN');
  });

  it('refuses bad names, counters not named _total, duplicates, decreasing counters and bad label names', () => {
    const r = new MetricRegistry();
    expect(() => r.counter('loom_things', 'x')).toThrow(MetricDefinitionError);
    expect(() => r.collected('loom-bad', 'x', 'gauge', () => [])).toThrow(/not a Prometheus metric name/);
    r.collected('loom_once', 'x', 'gauge', () => []);
    expect(() => r.collected('loom_once', 'x', 'gauge', () => [])).toThrow(/registered twice/);
    expect(() => r.counter('loom_c_total', 'x').inc({}, -1)).toThrow(/can only go up/);
    expect(() => sampleLine('loom_x', { 'bad-label': 'v' }, 1)).toThrow(/not a Prometheus label name/);
    expect(() => sampleLine('loom_x', { __reserved: 'v' }, 1)).toThrow(/not a Prometheus label name/);
    expect(() => r.histogram('loom_h_seconds', 'x', [])).toThrow(/distinct finite bucket bounds/);
  });

  it('leaves out a family whose source fails, with a comment naming it, and the rest still parses', () => {
    const r = new MetricRegistry();
    r.collected('loom_broken', 'x', 'gauge', () => {
      throw new Error('source gone');
    });
    r.collected('loom_fine', 'x', 'gauge', () => [{ value: 1 }]);
    const text = r.render();
    expect(text).toContain('# loom_broken could not be read: source gone');
    expect(sampleValue(parsePrometheusText(text), 'loom_fine')).toBe(1);
  });
});

describe('the strict parser used by the tests', () => {
  it('refuses malformed expositions', () => {
    const bad = [
      'loom_x 1\n', // no TYPE
      '# TYPE loom_x gauge\nloom_x{a="b} 1\n', // unterminated
      '# TYPE loom_x gauge\nloom_x{a="\\t"} 1\n', // bad escape
      '# TYPE loom_x gauge\nloom_x one\n', // bad value
      '# TYPE loom_x gauge\n# TYPE loom_x gauge\nloom_x 1\n', // TYPE twice
      '# TYPE loom_x gauge\nloom_x 1\n# TYPE loom_y gauge\nloom_y 1\nloom_x 2\n', // not together
      '# TYPE loom_h histogram\nloom_h_bucket{le="1"} 2\nloom_h_bucket{le="+Inf"} 1\nloom_h_sum 1\nloom_h_count 1\n', // not cumulative
      '# TYPE loom_h histogram\nloom_h_bucket{le="1"} 1\nloom_h_sum 1\nloom_h_count 1\n', // no +Inf
      '# TYPE loom_x gauge\nloom_x 1', // no final line feed
    ];
    for (const text of bad) expect(() => parsePrometheusText(text), text).toThrow();
  });
});
