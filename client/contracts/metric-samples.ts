/**
 * Reading the AM's `/metrics` (Prometheus' text format 0.0.4, written by
 * appmaster/metrics/metric-registry.ts) on the client side, for the few numbers `loom info`
 * prints: samples by name and labels. Comments and lines it cannot read are skipped: this is a
 * reader for headline numbers, not a validator.
 */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function readMetricSamples(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    // An absent group is undefined at run time, whatever its static type says.
    const [, name, labelText = '', raw] = m;
    const labels: Record<string, string> = {};
    for (const [, key, escaped] of labelText.matchAll(LABEL))
      labels[key] = escaped.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ name, labels, value });
  }
  return out;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when none). */
export function metricValue(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
