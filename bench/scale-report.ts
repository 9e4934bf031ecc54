/**
 * bench/results.md and bench/scale-chart.svg from a scale run's figures (bench/scale.ts): a table
 * per run, the memory table, and a hand-written SVG of containers over time and the latency
 * percentiles. Pure functions of the report.
 */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RunFigures {
  name: string;
  /** RM allocation -> startContainers at the node. */
  launchMs: Percentiles;
  /** RM allocation -> the TaskExecutor registered with the AM. */
  registerMs: Percentiles;
  /** Between consecutive allocate calls while the AM asked for containers. */
  allocateGapMs: Percentiles;
  allocateCalls: number;
  /** The AM's allocate round trip (its /metrics histogram; bucket upper bounds). */
  allocateRoundTripMs: { p50: number; p99: number; count: number };
  /** p99 of the REST calls polled during the run. */
  restMs: { overview: number; job: number; polls: number };
  tasksPerSecond?: number;
  amRssPeakMiB: number;
  notes: string;
  series: { t: number; containers: number; registered: number; amRssMiB: number }[];
}

export interface ScaleReport {
  date: string;
  runs: RunFigures[];
  rss: { taskExecutors: number; amMiB: number; taskExecutorMiB: number }[];
  bareNodeMiB: number;
}

const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
const mib = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : 'n/a');
const pct = (p: Percentiles): string => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)} (max ${ms(p.max)})`;

export function renderScaleResults(r: ScaleReport): string {
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`node dist/bench/scale.js\` (${r.date}) on this machine (2 cores, shared). The cluster is simulated`,
    '(minicluster/simulation/): a real AM process, simulated NodeManagers (real IPC, real tokens) and stand-in',
    'TaskExecutors (the real gRPC protocol) in the benchmark process. Chart: [scale-chart.svg](scale-chart.svg).',
    '',
  ];
  for (const run of r.runs) {
    lines.push(
      `## ${run.name}`,
      '',
      '| figure | value |',
      '| --- | --- |',
      `| allocation -> launch (p50 / p95 / p99) | ${pct(run.launchMs)} |`,
      `| allocation -> TaskExecutor registered (p50 / p95 / p99) | ${pct(run.registerMs)} |`,
      `| gap between allocate calls while asking (configured 500 ms) | ${pct(run.allocateGapMs)} |`,
      `| allocate round trip, AM's /metrics (p50 / p99 bucket) | ${ms(run.allocateRoundTripMs.p50)} / ${ms(run.allocateRoundTripMs.p99)} (${run.allocateRoundTripMs.count} calls) |`,
      ...(run.tasksPerSecond !== undefined ? [`| tasks scheduled per second | ${run.tasksPerSecond.toFixed(0)} |`] : []),
      `| REST p99 \`/overview\` / \`/jobs/<id>\` (${run.restMs.polls} polls) | ${ms(run.restMs.overview)} / ${ms(run.restMs.job)} |`,
      `| AM RSS, peak | ${mib(run.amRssPeakMiB)} |`,
      '',
      run.notes,
      '',
    );
  }
  if (r.rss.length) {
    lines.push(
      '## Resident memory by TaskExecutor count',
      '',
      `Baseline, a bare \`node\` process: ${mib(r.bareNodeMiB)}. One TaskExecutor of each run is a real process (the others stand-ins).`,
      '',
      '| TaskExecutors | AM RSS | real TaskExecutor RSS |',
      '| --- | --- | --- |',
      ...r.rss.map((x) => `| ${x.taskExecutors} | ${mib(x.amMiB)} | ${mib(x.taskExecutorMiB)} |`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Containers over time (one line per run) and the launch latency percentiles (bars), 640 x 300. */
export function renderScaleChart(r: ScaleReport): string {
  const W = 640;
  const H = 300;
  const plot = { x: 50, y: 20, w: 360, h: 220 };
  const colors = ['#1f77b4', '#d62728', '#2ca02c'];
  const tMax = Math.max(1, ...r.runs.flatMap((run) => run.series.map((p) => p.t)));
  const cMax = Math.max(1, ...r.runs.flatMap((run) => run.series.map((p) => p.containers)));
  const x = (t: number) => (plot.x + (t / tMax) * plot.w).toFixed(1);
  const y = (c: number) => (plot.y + plot.h - (c / cMax) * plot.h).toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${plot.x}" y="12">containers over time (s)</text>`,
    `<line x1="${plot.x}" y1="${plot.y + plot.h}" x2="${plot.x + plot.w}" y2="${plot.y + plot.h}" stroke="black"/>`,
    `<line x1="${plot.x}" y1="${plot.y}" x2="${plot.x}" y2="${plot.y + plot.h}" stroke="black"/>`,
    `<text x="${plot.x - 4}" y="${plot.y + 4}" text-anchor="end">${cMax}</text>`,
    `<text x="${plot.x - 4}" y="${plot.y + plot.h}" text-anchor="end">0</text>`,
    `<text x="${plot.x + plot.w}" y="${plot.y + plot.h + 14}" text-anchor="end">${tMax.toFixed(0)} s</text>`,
  ];
  r.runs.forEach((run, i) => {
    const points = run.series.map((p) => `${x(p.t)},${y(p.containers)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="1.5" points="${points}"/>`);
    parts.push(
      `<text x="${plot.x + 4}" y="${plot.y + plot.h + 28 + i * 13}" fill="${colors[i % colors.length]}">${escapeXml(run.name)}</text>`,
    );
  });
  // Latency bars: allocation -> launch and -> registered, p50/p95/p99, per run.
  const bars = { x: 440, y: 20, w: 180, h: 220 };
  const values = r.runs.flatMap((run) => [run.launchMs.p99, run.registerMs.p99]).filter(Number.isFinite);
  const vMax = Math.max(1, ...values);
  parts.push(`<text x="${bars.x}" y="12">allocation -> launch / registered (ms)</text>`);
  parts.push(`<line x1="${bars.x}" y1="${bars.y + bars.h}" x2="${bars.x + bars.w}" y2="${bars.y + bars.h}" stroke="black"/>`);
  const groups = r.runs.flatMap((run, i) => [
    { label: `L${i + 1}`, p: run.launchMs, color: colors[i % colors.length] },
    { label: `R${i + 1}`, p: run.registerMs, color: colors[i % colors.length] },
  ]);
  const gw = bars.w / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    [g.p.p50, g.p.p95, g.p.p99].forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      const h = (v / vMax) * bars.h;
      const bx = bars.x + gi * gw + 2 + k * ((gw - 4) / 3);
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${(bars.y + bars.h - h).toFixed(1)}" width="${((gw - 4) / 3 - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${g.color}" fill-opacity="${(0.4 + 0.3 * k).toFixed(1)}"/>`,
      );
    });
    parts.push(`<text x="${(bars.x + gi * gw + gw / 2).toFixed(1)}" y="${bars.y + bars.h + 12}" text-anchor="middle">${g.label}</text>`);
  });
  parts.push(
    `<text x="${bars.x}" y="${bars.y + bars.h + 26}">L: launch, R: registered; bars p50, p95, p99; top ${Math.round(vMax)} ms</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
