/**
 * A strict parser of Prometheus' text exposition format 0.0.4, written for the tests (Loom has no
 * Prometheus dependency): every line must be a well-formed HELP, TYPE, comment or sample line;
 * metric and label names must match Prometheus' patterns; each family has one TYPE line, before
 * its samples, and its samples are together; histograms' buckets are cumulative, end with
 * `le="+Inf"` equal to `_count`, and have `_sum` and `_count`. Any violation throws, naming the line.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition does not end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  let current: ParsedFamily | undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line === '') throw new Error(`${where}: empty line`);
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) {
        if (!line.startsWith('# ')) throw new Error(`${where}: a comment must start with "# "`);
        return;
      }
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
      if (closed.has(name)) throw new Error(`${where}: family ${name} appears again after other families`);
      let family = families.get(name);
      if (family?.samples.length) throw new Error(`${where}: ${kind} of ${name} after its samples`);
      if (!family) {
        family = { name, type: 'untyped', samples: [] };
        families.set(name, family);
      }
      if (current && current !== family) closed.add(current.name);
      current = family;
      if (kind === 'HELP') {
        if (family.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]|\\$/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: bad escape in HELP`);
        family.help = rest.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        if ((family as { typed?: boolean }).typed) throw new Error(`${where}: second TYPE for ${name}`);
        (family as { typed?: boolean }).typed = true;
        family.type = rest as ParsedFamily['type'];
      }
      return;
    }
    const sample = parseSampleLine(line, where);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`${where}: sample ${sample.name} has no TYPE line before it`);
    if (!(family as { typed?: boolean }).typed) throw new Error(`${where}: sample of ${family.name} before its TYPE line`);
    if (closed.has(family.name) || (current && current !== family)) throw new Error(`${where}: samples of ${family.name} are not together`);
    current = family;
    family.samples.push(sample);
  });
  for (const f of families.values()) {
    if (f.type === 'histogram') checkHistogram(f);
    if (f.type === 'counter' || f.type === 'gauge')
      for (const s of f.samples) if (s.name !== f.name) throw new Error(`${f.type} ${f.name} has a sample named ${s.name}`);
  }
  return families;
}

function familyOf(sampleName: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(sampleName);
  const base = m ? families.get(m[1]) : undefined;
  return base && (base.type === 'histogram' || base.type === 'summary') ? base : undefined;
}

function parseSampleLine(line: string, where: string): ParsedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: a sample must start with a metric name`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    while (line[pos] !== '}') {
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!ln || !LABEL_NAME.test(ln[0])) throw new Error(`${where}: bad label name at column ${pos}`);
      pos += ln[0].length;
      if (line.slice(pos, pos + 2) !== '="') throw new Error(`${where}: expected =" after label ${ln[0]}`);
      pos += 2;
      let value = '';
      for (;;) {
        const c = line.charAt(pos);
        if (c === '') throw new Error(`${where}: unterminated label value`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line.charAt(pos + 1);
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new Error(`${where}: bad escape \\${e} in a label value`);
          pos += 2;
        } else {
          value += c;
          pos++;
        }
      }
      pos++;
      if (ln[0] in labels) throw new Error(`${where}: label ${ln[0]} twice`);
      labels[ln[0]] = value;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new Error(`${where}: expected , or } at column ${pos}`);
    }
    pos++;
  }
  if (line[pos] !== ' ') throw new Error(`${where}: expected one space before the value`);
  const parts = line.slice(pos + 1).split(' ');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new Error(`${where}: expected "value [timestamp]"`);
  const value = parseValue(parts[0], where);
  if (parts.length === 2 && !/^-?\d+$/.test(parts.join(' ').split(' ')[1] ?? '')) throw new Error(`${where}: bad timestamp ${parts[1]}`);
  return { name, labels, value };
}

function parseValue(text: string, where: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

function checkHistogram(f: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { buckets: [] }));
    if (s.name === `${f.name}_bucket`) {
      if (!('le' in s.labels)) throw new Error(`${f.name}_bucket without le`);
      entry.buckets.push([parseValue(le, `${f.name} le`), s.value]);
    } else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else if (s.name === `${f.name}_count`) entry.count = s.value;
    else throw new Error(`histogram ${f.name} has a sample named ${s.name}`);
  }
  for (const [key, e] of series) {
    if (e.sum === undefined || e.count === undefined) throw new Error(`histogram ${f.name}${key} lacks _sum or _count`);
    const last = e.buckets.at(-1);
    if (last?.[0] !== Number.POSITIVE_INFINITY) throw new Error(`histogram ${f.name}${key} does not end with le="+Inf"`);
    if (last[1] !== e.count) throw new Error(`histogram ${f.name}${key}: +Inf bucket ${last[1]} differs from _count ${e.count}`);
    for (let i = 1; i < e.buckets.length; i++) {
      const [prevLe, prevN] = e.buckets[i - 1];
      const [le, n] = e.buckets[i];
      if (!(le > prevLe)) throw new Error(`histogram ${f.name}${key}: le not increasing`);
      if (n < prevN) throw new Error(`histogram ${f.name}${key}: buckets not cumulative`);
    }
  }
}

/** The value of the one sample of `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  for (const f of families.values())
    for (const s of f.samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return 0;
}
