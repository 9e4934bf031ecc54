/**
 * The read-only dashboard: one self-contained HTML page (inline style and script, no external
 * assets, no build step) that polls the dispatcher's GET routes. Every URL in it is relative, so
 * it works at the AM's own address and behind YARN's web proxy at /proxy/<appId>/ alike. Values
 * from the cluster (job names, errors, output lines) are inserted as text nodes, never as HTML.
 * Views, in the shape of Flink's web UI: jobs (each with its task timeline, attempts, errors and
 * output), TaskExecutors (released ones too, with their NodeManager log pages), exceptions, the
 * AM's log, the configuration. Semantic HTML, reachable and operable by keyboard, focus visible.
 */
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

const TABS: [string, string][] = [
  ['jobs', 'Jobs'],
  ['taskexecutors', 'TaskExecutors'],
  ['exceptions', 'Exceptions'],
  ['amlog', 'AM log'],
  ['config', 'Configuration'],
];

const NAV = TABS.map(([id, label]) => `<li><button type="button" id="tab-${id}" aria-controls="view-${id}">${label}</button></li>`).join(
  '',
);

export const DASHBOARD_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loom dashboard</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header><h1>Loom</h1><span id="app" class="meta"></span><span id="mode" class="meta"></span><span id="status" role="status" aria-live="polite"></span></header>
<div id="problem" role="alert"></div>
<nav aria-label="Views"><ul>${NAV}</ul></nav>
<main>
<div id="cards" class="cards"></div>
<section id="view-jobs" aria-labelledby="h-jobs">
<h2 id="h-jobs">Jobs</h2>
<div id="jobs" class="empty">Loading...</div>
<div id="job-detail"></div>
<div id="output-panel"></div>
</section>
<section id="view-taskexecutors" aria-labelledby="h-taskexecutors" hidden>
<h2 id="h-taskexecutors">TaskExecutors</h2>
<div id="taskexecutors" class="empty">Loading...</div>
</section>
<section id="view-exceptions" aria-labelledby="h-exceptions" hidden>
<h2 id="h-exceptions">Exceptions</h2>
<div id="exceptions" class="empty">Loading...</div>
</section>
<section id="view-amlog" aria-labelledby="h-amlog" hidden>
<h2 id="h-amlog">ApplicationMaster log</h2>
<div class="toolbar"><div id="amlog-files"></div><button type="button" id="amlog-reload">Reload</button></div>
<pre id="amlog-text" class="log" tabindex="0" aria-label="end of the log file"></pre>
</section>
<section id="view-config" aria-labelledby="h-config" hidden>
<h2 id="h-config">Configuration</h2>
<div class="toolbar"><label for="config-filter">Filter</label><input type="search" id="config-filter" placeholder="key or value"></div>
<div id="config" class="empty">Loading...</div>
</section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

/** Lets the page's inline style and script run and nothing else: no other origins, no framing by others. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'";
