/**
 * A small Prometheus metric registry, written by hand (no prom-client): counters, gauges and
 * histograms with fixed buckets, and families whose samples are read from the AM's state at
 * scrape time. `render()` writes the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): per family one `# HELP` and one
 * `# TYPE` line before its samples; label values escape `\`, `"` and newlines, HELP text `\` and
 * newlines; a histogram's `_bucket` samples are cumulative, end with `le="+Inf"`, and are followed
 * by `_sum` and `_count`.
 */
import { LoomError } from '../../client/errors/loom-error.js';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

/** One sample of a family whose values are read at scrape time. */
export interface CollectedSample {
  labels?: Labels;
  value: number;
}

export class MetricDefinitionError extends LoomError {
  static override readonly code: string = 'METRIC_DEFINITION_INVALID';
  override name = 'MetricDefinitionError';
}

/** The text format's content type (Prometheus' version 0.0.4). */
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Seconds buckets for request and heartbeat latencies (prom-client's defaults). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Family {
  name: string;
  help: string;
  type: MetricType;
  lines(): string[];
}

/** A value that only goes up (`_total`). */
export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(readonly name: string) {}

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new MetricDefinitionError(`counter ${this.name} can only go up; inc(${by}) is not allowed`);
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  /** The value for these labels (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  lines(): string[] {
    return [...this.values.values()].map((e) => sampleLine(this.name, e.labels, e.value));
  }
}

/** Observations counted into fixed buckets, with their sum and count. */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  readonly buckets: readonly number[];

  constructor(
    readonly name: string,
    buckets: readonly number[],
  ) {
    const sorted = [...buckets].sort((a, b) => a - b);
    if (!sorted.length || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new MetricDefinitionError(`histogram ${name} needs distinct finite bucket bounds; got [${buckets.join(', ')}]`);
    this.buckets = sorted;
  }

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Each observation lands in its smallest bucket; lines() makes the counts cumulative.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  /** Times `work` in seconds and observes it with the labels `labelsOf` gives for its outcome. */
  async time<T>(work: () => Promise<T>, labelsOf: (ok: boolean) => Labels, now: () => number = performanceNow): Promise<T> {
    const start = now();
    try {
      const out = await work();
      this.observe(labelsOf(true), (now() - start) / 1000);
      return out;
    } catch (err) {
      this.observe(labelsOf(false), (now() - start) / 1000);
      throw err;
    }
  }

  /** How many observations these labels have (0 when none). */
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push(sampleLine(`${this.name}_bucket`, { ...s.labels, le: formatValue(bound) }, cumulative));
      });
      out.push(sampleLine(`${this.name}_bucket`, { ...s.labels, le: '+Inf' }, s.count));
      out.push(sampleLine(`${this.name}_sum`, s.labels, s.sum));
      out.push(sampleLine(`${this.name}_count`, s.labels, s.count));
    }
    return out;
  }
}

export class MetricRegistry {
  private readonly families = new Map<string, Family>();

  /** A counter; its name must end in `_total` (Prometheus' convention). */
  counter(name: string, help: string): Counter {
    if (!name.endsWith('_total')) throw new MetricDefinitionError(`counter ${name} must be named ..._total`);
    const c = new Counter(name);
    this.add({ name, help, type: 'counter', lines: () => c.lines() });
    return c;
  }

  histogram(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS_SECONDS): Histogram {
    const h = new Histogram(name, buckets);
    this.add({ name, help, type: 'histogram', lines: () => h.lines() });
    return h;
  }

  /**
   * A counter or gauge whose samples are read when scraped (`read` is called by render()): for
   * values the AM keeps anyway (jobs by state, process CPU time). A collected counter must only
   * go up, as its source does.
   */
  collected(name: string, help: string, type: 'counter' | 'gauge', read: () => readonly CollectedSample[]): void {
    if (type === 'counter' && !name.endsWith('_total')) throw new MetricDefinitionError(`counter ${name} must be named ..._total`);
    this.add({ name, help, type, lines: () => read().map((s) => sampleLine(name, s.labels ?? {}, s.value)) });
  }

  /** Every family in the text format 0.0.4; a family that fails to read is left out (and named in a comment). */
  render(): string {
    const out: string[] = [];
    for (const f of this.families.values()) {
      let lines: string[];
      try {
        lines = f.lines();
      } catch (err) {
        out.push(`# ${f.name} could not be read: ${oneLine(err instanceof Error ? err.message : String(err))}`);
        continue;
      }
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...lines);
    }
    return out.length ? `${out.join('\n')}\n` : '';
  }

  private add(family: Family): void {
    if (!METRIC_NAME.test(family.name)) throw new MetricDefinitionError(`${JSON.stringify(family.name)} is not a Prometheus metric name`);
    if (this.families.has(family.name)) throw new MetricDefinitionError(`metric ${family.name} is registered twice`);
    this.families.set(family.name, family);
  }
}

/** `name{a="x",b="y"} value`, labels in the order given. */
export function sampleLine(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new MetricDefinitionError(`${JSON.stringify(k)} is not a Prometheus label name`);
    return `${k}="${escapeLabelValue(v)}"`;
  });
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`;
}

/** A label value: backslash, double quote and line feed escaped. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus writes it: `+Inf`, `-Inf`, `NaN`, or the number. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

function performanceNow(): number {
  return performance.now();
}
