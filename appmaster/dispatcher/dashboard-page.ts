/**
 * The read-only dashboard: one self-contained HTML page (inline style and script, no external
 * assets) that polls the dispatcher's GET routes. Every URL in it is relative, so it works at the
 * AM's own address and behind YARN's web proxy at /proxy/<appId>/ alike. Values from the cluster
 * (job names, errors) are inserted as text nodes, never as HTML.
 */

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header .meta { color: #aab3c5; }
main { padding: 16px 20px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 16px; }
.card { background: #fff; border-radius: 6px; padding: 10px 14px; min-width: 140px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card .n { font-size: 22px; font-weight: 600; }
.card .l { color: #5b6475; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
h2 { font-size: 15px; margin: 20px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e8ee; vertical-align: top; }
th { font-size: 12px; color: #5b6475; font-weight: 600; }
td.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.state { font-weight: 600; }
.RUNNING, .DEPLOYING { color: #1f6feb; } .FINISHED { color: #1a7f37; } .FAILED { color: #cf222e; }
.CANCELED, .CANCELLING { color: #8250df; } .INITIALIZING, .SCHEDULED { color: #5b6475; }
.task { display: inline-block; min-width: 18px; padding: 1px 4px; margin: 1px; border-radius: 3px; color: #fff; font-size: 11px; text-align: center; background: #8c959f; }
.task.RUNNING, .task.DEPLOYING { background: #1f6feb; } .task.FINISHED { background: #1a7f37; } .task.FAILED { background: #cf222e; } .task.CANCELED { background: #8250df; }
.error { color: #cf222e; white-space: pre-wrap; }
#status { color: #aab3c5; margin-left: auto; }
#problem { display: none; background: #ffebe9; color: #82071e; padding: 8px 20px; }
.empty { color: #5b6475; padding: 10px; }
`;

// Plain ES2017 without template literals, so this TypeScript string needs no escaping.
const SCRIPT = `
'use strict';
(function () {
  // Relative URLs: resolve against the page's directory. At /proxy/<app> (no trailing slash) the
  // directory is /proxy/, so prefix the last segment to stay inside the application's prefix.
  var path = location.pathname;
  var prefix = (/\\/$/.test(path) || /\\/dashboard\\.html$/.test(path)) ? '' : path.split('/').pop() + '/';
  var refreshMs = 3000;
  var details = {};

  function get(route) {
    return fetch(prefix + route, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) return res.text().then(function (t) { throw new Error(route + ': HTTP ' + res.status + ' ' + t.slice(0, 200)); });
      return res.json();
    });
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c); });
    return e;
  }
  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
  }
  function duration(ms) {
    var s = Math.round(ms / 1000);
    return s < 120 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  function time(ms) { return ms > 0 ? new Date(ms).toLocaleTimeString() : ''; }
  function replace(id, node) { var old = document.getElementById(id); node.id = id; old.parentNode.replaceChild(node, old); }

  function renderOverview(o) {
    document.getElementById('app').textContent = o['application-id'] || 'Loom cluster';
    document.getElementById('mode').textContent = o.mode + ' mode, up ' + duration(Date.now() - o['start-time']) + ', Loom ' + o['loom-version'];
    var cards = [
      [o.taskmanagers, 'TaskExecutors'],
      [o['slots-available'] + ' / ' + o['slots-total'], 'slots free / total'],
      [o['jobs-running'], 'jobs running'],
      [o['jobs-finished'], 'jobs finished'],
      [o['jobs-failed'], 'jobs failed'],
      [o['jobs-cancelled'], 'jobs canceled']
    ];
    replace('cards', el('div', { 'class': 'cards' }, cards.map(function (c) {
      return el('div', { 'class': 'card' }, [el('div', { 'class': 'n' }, [c[0]]), el('div', { 'class': 'l' }, [c[1]])]);
    })));
  }

  function renderTaskExecutors(list) {
    var rows = list.taskmanagers.map(function (t) {
      return el('tr', {}, [
        el('td', { 'class': 'mono' }, [t.id]),
        el('td', {}, [t.host]),
        el('td', {}, [t.freeSlots + ' / ' + t.slotsNumber]),
        el('td', {}, [t.memoryMb !== undefined ? t.memoryMb + ' MiB' : '']),
        el('td', { title: new Date(t.timeSinceLastHeartbeat).toISOString() }, [ago(t.timeSinceLastHeartbeat)])
      ]);
    });
    var head = el('tr', {}, ['TaskExecutor', 'host', 'slots free / total', 'memory', 'last heartbeat'].map(function (h) { return el('th', {}, [h]); }));
    replace('taskexecutors', rows.length ? el('table', {}, [head].concat(rows)) : el('div', { 'class': 'empty' }, ['No TaskExecutors yet: they start when a job needs slots.']));
  }

  function taskChips(job) {
    var d = details[job.jid];
    if (!d) return [job.tasks.total + ' tasks'];
    return d.tasks.map(function (t) {
      var tip = 'task ' + t.index + ': ' + t.state + ', attempt ' + t.attempt + (t['taskmanager-id'] ? ' on ' + t['taskmanager-id'] : '') + (t.error ? '\\n' + t.error : '');
      return el('span', { 'class': 'task ' + t.state, title: tip }, [t.index]);
    });
  }

  // The job's error and the first few task errors, visible without hovering.
  function errors(d) {
    if (!d) return [];
    var lines = d.error ? [d.error] : [];
    d.tasks.filter(function (t) { return t.error; }).slice(0, 3).forEach(function (t) { lines.push('task ' + t.index + ': ' + t.error); });
    return lines.map(function (line) { return el('div', { 'class': 'error' }, [line]); });
  }

  function renderJobs(list) {
    var rows = list.jobs.map(function (j) {
      var d = details[j.jid];
      var cells = [
        el('td', { 'class': 'mono' }, [j.jid]),
        el('td', {}, [j.name]),
        el('td', { 'class': 'state ' + j.state }, [j.state]),
        el('td', {}, [j.parallelism]),
        el('td', {}, [time(j['start-time'])]),
        el('td', {}, [duration(j.duration)]),
        el('td', {}, taskChips(j).concat(errors(d)))
      ];
      return el('tr', {}, cells);
    });
    var head = el('tr', {}, ['job', 'name', 'state', 'parallelism', 'submitted', 'duration', 'tasks'].map(function (h) { return el('th', {}, [h]); }));
    replace('jobs', rows.length ? el('table', {}, [head].concat(rows)) : el('div', { 'class': 'empty' }, ['No jobs submitted yet.']));
  }

  var TERMINAL = { FINISHED: 1, FAILED: 1, CANCELED: 1 };
  function refreshDetails(jobs) {
    // Newest first; a finished job's details do not change, so they are fetched once.
    var wanted = jobs.slice().sort(function (a, b) { return b['start-time'] - a['start-time']; }).slice(0, 20)
      .filter(function (j) { return !(details[j.jid] && TERMINAL[details[j.jid].state]); });
    return Promise.all(wanted.map(function (j) {
      return get('jobs/' + encodeURIComponent(j.jid)).then(function (d) { details[j.jid] = d; });
    }));
  }

  function problem(text) {
    var p = document.getElementById('problem');
    p.textContent = text || '';
    p.style.display = text ? 'block' : 'none';
  }

  function poll() {
    Promise.all([get('overview'), get('taskmanagers'), get('jobs/overview')]).then(function (r) {
      renderOverview(r[0]);
      renderTaskExecutors(r[1]);
      return refreshDetails(r[2].jobs).then(function () { renderJobs(r[2]); });
    }).then(function () {
      problem('');
      document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    }, function (err) {
      problem('Cannot reach the ApplicationMaster: ' + err.message);
    }).then(function () { setTimeout(poll, refreshMs); });
  }

  get('config').then(function (c) { refreshMs = Math.max(500, c['refresh-interval'] || refreshMs); }, function () {}).then(poll);
})();
`;

export const DASHBOARD_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loom dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Loom</h1><span id="app" class="meta"></span><span id="mode" class="meta"></span><span id="status"></span></header>
<div id="problem"></div>
<main>
<div id="cards" class="cards"></div>
<h2>TaskExecutors</h2>
<div id="taskexecutors" class="empty">Loading...</div>
<h2>Jobs</h2>
<div id="jobs" class="empty">Loading...</div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Lets the page's inline style and script run and nothing else: no other origins, no framing by others. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'";
