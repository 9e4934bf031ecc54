/**
 * Every running Loom cluster of the user, as `loom list-clusters` and `yarn-session --list` show
 * them: YARN applications of type Loom in ACCEPTED or RUNNING, with the mode from the tag the
 * submission sets (`loom-mode:<mode>`), how long ago they started, and the dashboard (YARN's
 * tracking URL, through the web proxy).
 */
import type { ApplicationReport, YarnApplicationState } from '../../hadoop/yarn/cluster-reports.js';
import type { YarnClient } from '../../hadoop/yarn/yarn-client.js';
import { APPLICATION_TYPE, DEFAULT_SESSION_NAME, MODE_TAG_PREFIX } from '../submit/submission-context.js';

export type ClusterModeName = 'session' | 'per-job' | 'application' | 'unknown';

export interface LoomClusterInfo {
  applicationId: string;
  name: string;
  mode: ClusterModeName;
  /** ACCEPTED (waiting for its AM) or RUNNING. */
  state: string;
  user: string;
  queue: string;
  /** When YARN started the application (ms since the epoch). */
  startedAt: number;
  ageMs: number;
  /** YARN's tracking URL (the web proxy); empty until the AM registered one. */
  dashboardUrl: string;
}

const LISTED_STATES: YarnApplicationState[] = ['ACCEPTED', 'RUNNING'];
const MODES: readonly ClusterModeName[] = ['session', 'per-job', 'application'];

export interface ListClustersOptions {
  /** Whose clusters; undefined lists every user's. */
  user?: string;
  now?: () => number;
}

/** Oldest first. */
export async function listClusters(yarn: YarnClient, opts: ListClustersOptions = {}): Promise<LoomClusterInfo[]> {
  const now = (opts.now ?? Date.now)();
  const apps = await yarn.getApplications({ types: [APPLICATION_TYPE], states: LISTED_STATES });
  return apps
    .filter(
      (a) => a.applicationType === APPLICATION_TYPE && LISTED_STATES.includes(a.state) && (opts.user === undefined || a.user === opts.user),
    )
    .map((a) => ({
      applicationId: a.applicationId,
      name: a.name,
      mode: modeOf(a),
      state: a.state,
      user: a.user,
      queue: a.queue,
      startedAt: a.startTime,
      ageMs: Math.max(0, now - a.startTime),
      dashboardUrl: a.trackingUrl,
    }))
    .sort((x, y) => x.startedAt - y.startedAt || x.applicationId.localeCompare(y.applicationId));
}

/** From the mode tag; clusters submitted before it existed were sessions if they kept the default name. */
export function modeOf(report: Pick<ApplicationReport, 'applicationTags' | 'name'>): ClusterModeName {
  for (const tag of report.applicationTags) {
    const t = tag.toLowerCase();
    if (t.startsWith(MODE_TAG_PREFIX)) {
      const mode = t.slice(MODE_TAG_PREFIX.length) as ClusterModeName;
      if (MODES.includes(mode)) return mode;
    }
  }
  return report.name === DEFAULT_SESSION_NAME ? 'session' : 'unknown';
}

/** `45s`, `12m 03s`, `3h 05m`, `2d 04h`. */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor(s / 3600) % 24)}h`;
}

/** A table with a header line, columns padded to their widest cell; the dashboard last, as it is long. */
export function formatClusterTable(clusters: readonly LoomClusterInfo[]): string {
  const header = ['APPLICATION ID', 'NAME', 'MODE', 'STATE', 'AGE', 'QUEUE', 'DASHBOARD'];
  const rows = clusters.map((c) => [
    c.applicationId,
    oneLine(c.name),
    c.mode,
    c.state,
    formatAge(c.ageMs),
    oneLine(c.queue),
    c.dashboardUrl || '(not registered yet)',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Names are the user's free text: control characters would break the table. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
