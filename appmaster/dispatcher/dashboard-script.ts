/**
 * The dashboard's script (inline in the page): plain ES2017 that polls the dispatcher's GET routes with
 * relative URLs and renders with DOM calls, inserting every value from the cluster as text, never as HTML.
 * Kept free of backticks and dollar-brace so it sits in String.raw unescaped.
 */
export const DASHBOARD_SCRIPT = String.raw`
'use strict';
(function () {
  // Relative URLs: resolve against the page's directory. At /proxy/<app> (no trailing slash) the
  // directory is /proxy/, so prefix the last segment to stay inside the application's prefix.
  var path = location.pathname;
  var prefix = (/\/$/.test(path) || /\/dashboard\.html$/.test(path)) ? '' : path.split('/').pop() + '/';
  var refreshMs = 3000;
  var details = {};
  var exceptions = {};
  var jobsList = [];
  var live = {};
  var teHistory = null;
  var selectedJob = null;
  var output = null;
  var outputTimer = null;
  var TERMINAL = { FINISHED: 1, FAILED: 1, CANCELED: 1 };
  var NL = String.fromCharCode(10);

  function relative(route) { return prefix + route; }
  function get(route) {
    return fetch(relative(route), { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) return res.text().then(function (t) { var e = new Error(route + ': HTTP ' + res.status + ' ' + t.slice(0, 200)); e.status = res.status; throw e; });
      return res.json();
    });
  }
  function getText(route) {
    return fetch(relative(route), { credentials: 'same-origin' }).then(function (res) {
      return res.text().then(function (t) { if (!res.ok) throw new Error(route + ': HTTP ' + res.status + ' ' + t.slice(0, 200)); return t; });
    });
  }
  // Values from the cluster go in as text nodes only, never as HTML.
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'onclick') e.addEventListener('click', attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c === undefined || c === null) return;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }
  function th(names) { return el('thead', {}, [el('tr', {}, names.map(function (h) { return el('th', { scope: 'col' }, [h]); }))]); }
  function table(caption, names, rows) { return el('table', {}, [el('caption', { 'class': 'visually-hidden' }, [caption]), th(names), el('tbody', {}, rows)]); }
  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
  }
  function duration(ms) {
    if (!(ms >= 0)) return '';
    if (ms < 1000) return ms + ' ms';
    var s = Math.round(ms / 1000);
    return s < 120 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  function time(ms) { return ms > 0 ? new Date(ms).toLocaleTimeString() : ''; }
  function iso(ms) { return ms > 0 ? new Date(ms).toISOString() : ''; }
  function firstLine(text) { return String(text).split(NL)[0]; }
  // Replaces the element with id "id"; keyboard focus on an element with a data-key inside it stays on its replacement.
  function replace(id, node) {
    var old = document.getElementById(id);
    var active = document.activeElement;
    var key = active && old.contains(active) ? active.getAttribute('data-key') : null;
    node.id = id;
    old.parentNode.replaceChild(node, old);
    if (key) { var again = node.querySelector('[data-key="' + key + '"]'); if (again) again.focus(); }
  }
  function errorBlock(text) {
    var lines = String(text).split(NL);
    if (lines.length === 1) return el('div', { 'class': 'error' }, [text]);
    return el('details', {}, [el('summary', { 'class': 'error' }, [lines[0]]), el('pre', { 'class': 'stack' }, [text])]);
  }
  function state(s) { return el('span', { 'class': 'state ' + s }, [s]); }

  // ---- views ---------------------------------------------------------------------------------
  var VIEWS = ['jobs', 'taskexecutors', 'exceptions', 'amlog', 'config'];
  function show(view) {
    if (VIEWS.indexOf(view) < 0) view = 'jobs';
    VIEWS.forEach(function (v) {
      document.getElementById('view-' + v).hidden = v !== view;
      document.getElementById('tab-' + v).setAttribute('aria-current', v === view ? 'true' : 'false');
    });
    if (view === 'amlog') loadAmLogs();
    if (view === 'config') loadConfig();
  }
  VIEWS.forEach(function (v) {
    document.getElementById('tab-' + v).addEventListener('click', function () {
      window.history.replaceState(null, "", "#" + v);
      show(v);
    });
  });

  // ---- overview and jobs ---------------------------------------------------------------------
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

  function taskChips(job) {
    var d = details[job.jid];
    if (!d) return [job.tasks.total + ' tasks'];
    return d.tasks.map(function (t) {
      var tip = 'task ' + t.index + ': ' + t.state + ', attempt ' + t.attempt + (t.host ? ' on ' + t.host : '');
      return el('span', { 'class': 'task ' + t.state, title: tip }, [t.index]);
    });
  }

  // A task's or job's progress as an ARIA progressbar: the filled share, the percentage and the task's message.
  function progressMeter(label, fraction, message) {
    var pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    return el('span', { 'class': 'progress' }, [
      el('span', { 'class': 'meter', role: 'progressbar', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100',
        'aria-valuenow': String(pct), 'aria-valuetext': pct + '%' + (message ? ', ' + message : '') },
        [el('span', { 'class': 'fill', style: 'width:' + pct + '%' })]),
      ' ' + pct + '%' + (message ? ' ' + message : '')
    ]);
  }

  function renderJobs() {
    var rows = jobsList.map(function (j) {
      var open = selectedJob === j.jid;
      return el('tr', { 'class': open ? 'job selected' : 'job' }, [
        el('td', { 'class': 'mono' }, [el('button', { type: 'button', 'class': 'link', 'data-key': 'job-' + j.jid, 'aria-expanded': open ? 'true' : 'false',
          'aria-controls': 'job-detail', onclick: function () { selectJob(open ? null : j.jid); } }, [j.jid])]),
        el('td', {}, [j.name]),
        el('td', {}, j.state === 'RUNNING' && typeof j.progress === 'number'
          ? [state(j.state), ' ', progressMeter('progress of job ' + j.name, j.progress, '')] : [state(j.state)]),
        el('td', {}, [j.parallelism]),
        el('td', {}, [time(j['start-time'])]),
        el('td', {}, [duration(j.duration)]),
        el('td', {}, taskChips(j))
      ]);
    });
    replace('jobs', rows.length ? table('Jobs', ['job', 'name', 'state', 'parallelism', 'submitted', 'duration', 'tasks'], rows)
      : el('div', { 'class': 'empty' }, ['No jobs submitted yet.']));
    renderJobDetail();
  }

  function selectJob(jid) {
    selectedJob = jid;
    renderJobs();
    if (jid && !details[jid]) get('jobs/' + encodeURIComponent(jid)).then(function (d) { details[jid] = d; renderJobs(); }, function () {});
  }

  // Every attempt of every task, oldest first: [task, attempt record, is it the current one].
  function attemptsOf(t) {
    var list = (t.previousAttempts || []).map(function (a) { return [t, a, false]; });
    list.push([t, { attempt: t.attempt, state: t.state, containerId: t.containerId || t['taskmanager-id'], host: t.host, nodeHttpAddress: t.nodeHttpAddress,
      startTime: t.startTime, endTime: t.endTime, error: t.state === 'FAILED' ? t.error : undefined }, true]);
    return list;
  }

  function timeline(d) {
    var start = d['start-time'];
    var end = d['end-time'] > 0 ? d['end-time'] : d.now;
    d.tasks.forEach(function (t) { attemptsOf(t).forEach(function (x) { if (x[1].endTime > end) end = x[1].endTime; }); });
    var span = Math.max(1, end - start);
    var lanes = d.tasks.map(function (t) {
      var bars = attemptsOf(t).filter(function (x) { return x[1].startTime > 0; }).map(function (x) {
        var a = x[1];
        var from = a.startTime;
        var to = a.endTime > 0 ? a.endTime : d.now;
        var what = 'task ' + t.index + ' attempt ' + a.attempt + ': ' + a.state + ', ' + duration(to - from) + (a.host ? ' on ' + a.host : '');
        return el('span', { 'class': 'bar ' + a.state, role: 'img', 'aria-label': what, title: what,
          style: 'left:' + ((from - start) / span * 100).toFixed(2) + '%;width:' + Math.max(0.3, (to - from) / span * 100).toFixed(2) + '%' });
      });
      return el('div', { 'class': 'lane' }, [el('span', { 'class': 'label' }, ['task ' + t.index]), el('div', { 'class': 'track' }, bars)]);
    });
    return el('figure', { 'class': 'timeline', 'aria-label': 'Timeline of the task attempts' }, lanes.concat([
      el('div', { 'class': 'axis' }, [el('span', {}, [time(start)]), el('span', {}, [duration(span)]), el('span', {}, [time(end)])])
    ]));
  }

  function attemptRow(d, x) {
    var t = x[0], a = x[1], current = x[2];
    var end = a.endTime > 0 ? a.endTime : (a.startTime > 0 && !TERMINAL[a.state] ? d.now : 0);
    var outputRoute = 'jobs/' + encodeURIComponent(d.jid) + '/tasks/' + t.index + '/output?attempt=' + a.attempt;
    return el('tr', { 'class': current ? 'task-row' : 'task-row previous' }, [
      el('td', {}, [current ? 'task ' + t.index : 'earlier']),
      el('td', {}, [state(a.state)]),
      el('td', {}, [a.attempt]),
      el('td', { 'class': 'mono' }, [a.containerId || '']),
      el('td', {}, [a.host || '']),
      el('td', { title: iso(a.startTime) }, [time(a.startTime)]),
      el('td', { title: iso(a.endTime) }, [time(a.endTime)]),
      el('td', {}, [a.startTime > 0 && end > 0 ? duration(end - a.startTime) : '']),
      el('td', {}, current && t.progress && !TERMINAL[a.state]
        ? [progressMeter('progress of task ' + t.index, t.progress.fraction, t.progress.message)] : (current && a.state === 'FINISHED' ? ['100%'] : [])),
      el('td', {}, a.startTime > 0 ? [
        el('button', { type: 'button', 'class': 'link small', 'data-key': 'out-' + t.index + '-' + a.attempt, 'aria-controls': 'output-panel',
          onclick: function () { openOutput(d.jid, t.index, a.attempt); } }, ['output']),
        ' ',
        el('a', { 'class': 'small', href: relative(outputRoute) }, ['JSON'])
      ] : []),
      el('td', {}, a.error ? [errorBlock(a.error)] : [])
    ]);
  }

  function renderJobDetail() {
    var d = selectedJob && details[selectedJob];
    if (!d) { replace('job-detail', el('div', {}, [])); return; }
    var rows = [];
    d.tasks.forEach(function (t) { attemptsOf(t).reverse().forEach(function (x) { rows.push(attemptRow(d, x)); }); });
    replace('job-detail', el('section', { 'aria-labelledby': 'job-detail-title' }, [
      el('h3', { id: 'job-detail-title' }, ['Job ' + d.name + ' (' + d.jid + '): ' + d.state]),
      d.error ? errorBlock(d.error) : null,
      timeline(d),
      el('h3', {}, ['Tasks and their attempts']),
      table('Tasks of job ' + d.jid, ['task', 'state', 'attempt', 'TaskExecutor', 'host', 'started', 'ended', 'duration', 'progress', 'output', 'error'], rows)
    ]));
  }

  // ---- task output ---------------------------------------------------------------------------
  function openOutput(jid, index, attempt) {
    if (outputTimer) clearTimeout(outputTimer);
    output = { jid: jid, index: index, attempt: attempt, after: -1, lines: [], ended: false, dropped: 0, error: '' };
    renderOutput();
    fetchOutput(output);
    var panel = document.getElementById('output-panel');
    if (panel.scrollIntoView) panel.scrollIntoView({ block: 'nearest' });
  }
  function fetchOutput(o) {
    get('jobs/' + encodeURIComponent(o.jid) + '/tasks/' + o.index + '/output?attempt=' + o.attempt + '&after=' + o.after).then(function (r) {
      if (output !== o) return;
      o.lines = o.lines.concat(r.lines || []).slice(-5000);
      o.after = r.next;
      o.ended = r.ended;
      o.dropped = r.dropped || 0;
      o.host = r.host;
      o.error = '';
      renderOutput();
      if (!o.ended) outputTimer = setTimeout(function () { fetchOutput(o); }, refreshMs);
    }, function (err) {
      if (output !== o) return;
      o.error = err.status === 404 ? 'No output recorded for this attempt.' : err.message;
      renderOutput();
    });
  }
  function renderOutput() {
    var o = output;
    if (!o) { replace('output-panel', el('div', {}, [])); return; }
    var items = o.lines.map(function (l) {
      return el('li', { 'class': l.stream === 'stderr' ? 'stderr' : 'stdout' }, [
        el('span', { 'class': 't' }, [String(l.time).slice(11, 23)]), el('span', { 'class': 's' }, [l.stream]), el('span', { 'class': 'x' }, [l.text])
      ]);
    });
    var note = o.error || ((o.ended ? 'Attempt ended; ' : 'Following; ') + o.lines.length + ' line(s)' + (o.dropped ? ', ' + o.dropped + ' dropped by the AM bound' : '') + (o.host ? ', ran on ' + o.host : ''));
    replace('output-panel', el('section', { 'class': 'panel', 'aria-labelledby': 'output-title' }, [
      el('h3', { id: 'output-title' }, ['Output of task ' + o.index + ', attempt ' + o.attempt + ' (job ' + o.jid + ')']),
      el('div', { 'class': 'toolbar' }, [
        el('span', { role: 'status' }, [note]),
        el('button', { type: 'button', 'data-key': 'output-close', onclick: function () { output = null; if (outputTimer) clearTimeout(outputTimer); renderOutput(); } }, ['Close'])
      ]),
      items.length ? el('ol', { 'class': 'lines', tabindex: '0', 'aria-label': 'output lines' }, items) : null
    ]));
  }

  // ---- TaskExecutors -------------------------------------------------------------------------
  function renderTaskExecutors() {
    var records = teHistory ? teHistory.taskmanagers : Object.keys(live).map(function (id) {
      var t = live[id];
      return { id: t.id, host: t.host, slots: t.slotsNumber, memoryMb: t.memoryMb, state: 'running', startTime: t.registeredAt, nodeHttpAddress: t.nodeHttpAddress };
    });
    var rows = records.map(function (r) {
      var l = live[r.id];
      return el('tr', { 'class': 'taskexecutor ' + r.state }, [
        el('td', { 'class': 'mono' }, [r.id]),
        el('td', {}, [r.host]),
        el('td', {}, [el('span', { 'class': 'state ' + r.state }, [r.state]), r.reason ? el('div', { 'class': 'reason' }, [r.reason]) : null]),
        el('td', {}, [(l ? l.freeSlots + ' free of ' : '') + r.slots]),
        el('td', {}, [r.memoryMb !== undefined ? r.memoryMb + ' MiB' : '']),
        el('td', { title: iso(r.startTime) }, [time(r.startTime)]),
        el('td', { title: iso(r.endTime) }, [r.endTime ? time(r.endTime) : '']),
        el('td', {}, [l ? ago(l.timeSinceLastHeartbeat) : '']),
        el('td', {}, r.logs ? [el('a', { href: r.logs }, ['container logs'])] : [])
      ]);
    });
    replace('taskexecutors', rows.length
      ? table('TaskExecutors', ['container', 'host', 'state', 'slots', 'memory', 'started', 'ended', 'last heartbeat', 'logs'], rows)
      : el('div', { 'class': 'empty' }, ['No TaskExecutors yet: they start when a job needs slots.']));
  }

  // ---- exceptions ----------------------------------------------------------------------------
  function renderExceptions() {
    var entries = [];
    Object.keys(exceptions).forEach(function (jid) {
      exceptions[jid].entries.forEach(function (e) { entries.push([jid, e]); });
    });
    entries.sort(function (a, b) { return b[1].timestamp - a[1].timestamp; });
    var rows = entries.map(function (x) {
      var e = x[1];
      return el('tr', { 'class': 'exception' }, [
        el('td', { title: iso(e.timestamp) }, [new Date(e.timestamp).toLocaleString()]),
        el('td', { 'class': 'mono' }, [x[0]]),
        el('td', {}, [e.kind === 'job' ? 'job failure' : 'task failure']),
        el('td', {}, [e.taskIndex !== undefined ? e.taskIndex : '']),
        el('td', {}, [e.attempt !== undefined ? e.attempt : '']),
        el('td', {}, [e.host || '']),
        el('td', { 'class': 'mono' }, [e.containerId || '']),
        el('td', {}, [errorBlock(e.exception)])
      ]);
    });
    replace('exceptions', rows.length
      ? table('Exceptions', ['time', 'job', 'kind', 'task', 'attempt', 'host', 'TaskExecutor', 'exception'], rows)
      : el('div', { 'class': 'empty' }, ['No failures.']));
  }

  // ---- AM log --------------------------------------------------------------------------------
  var amLogFile = null;
  function loadAmLogs() {
    get('jobmanager/logs').then(function (r) {
      if (!amLogFile && r.logs.length) amLogFile = (r.logs.filter(function (l) { return /stderr/.test(l.name); })[0] || r.logs[0]).name;
      replace('amlog-files', el('div', { 'class': 'toolbar', role: 'group', 'aria-label': 'AM log files' }, r.logs.map(function (l) {
        return el('button', { type: 'button', 'data-key': 'log-' + l.name, 'aria-pressed': l.name === amLogFile ? 'true' : 'false',
          onclick: function () { amLogFile = l.name; loadAmLogs(); } }, [l.name + ' (' + Math.ceil(l.size / 1024) + ' KiB)']);
      }).concat(r.logs.length ? [] : [el('span', { 'class': 'empty' }, ['No log files (the AM was not started by a NodeManager).'])])));
      if (!amLogFile) return;
      return getText('jobmanager/logs/' + encodeURIComponent(amLogFile)).then(function (text) {
        var pre = document.getElementById('amlog-text');
        pre.textContent = text;
        pre.scrollTop = pre.scrollHeight;
      });
    }).catch(function (err) { document.getElementById('amlog-text').textContent = err.message; });
  }
  document.getElementById('amlog-reload').addEventListener('click', loadAmLogs);

  // ---- configuration -------------------------------------------------------------------------
  var config = null;
  function loadConfig() {
    get('jobmanager/config').then(function (entries) { config = entries; renderConfig(); }, function (err) {
      replace('config', el('div', { 'class': 'error' }, [err.message]));
    });
  }
  function renderConfig() {
    if (!config) return;
    var q = document.getElementById('config-filter').value.toLowerCase();
    var rows = config.filter(function (e) { return !q || e.key.toLowerCase().indexOf(q) >= 0 || e.value.toLowerCase().indexOf(q) >= 0; }).map(function (e) {
      return el('tr', { 'class': 'config-entry' }, [el('td', { 'class': 'mono' }, [e.key]), el('td', { 'class': 'mono' }, [e.value]), el('td', {}, [e.source]), el('td', {}, [e.origin || ''])]);
    });
    replace('config', table('Configuration', ['key', 'value', 'from', 'set in'], rows));
  }
  document.getElementById('config-filter').addEventListener('input', renderConfig);

  // ---- polling -------------------------------------------------------------------------------
  function refreshDetails(jobs) {
    // Newest first; a finished job's details do not change, so they are fetched once.
    var wanted = jobs.slice().sort(function (a, b) { return b['start-time'] - a['start-time']; }).slice(0, 20)
      .filter(function (j) { return !(details[j.jid] && TERMINAL[details[j.jid].state]); });
    if (selectedJob && wanted.every(function (j) { return j.jid !== selectedJob; }) && !(details[selectedJob] && TERMINAL[details[selectedJob].state]))
      wanted.push({ jid: selectedJob });
    return Promise.all(wanted.map(function (j) {
      return get('jobs/' + encodeURIComponent(j.jid)).then(function (d) { details[j.jid] = d; });
    }));
  }
  function hasFailures(d) {
    return d.error || d.tasks.some(function (t) { return (t.state === 'FAILED' && t.error) || (t.previousAttempts || []).length; });
  }
  function refreshExceptions() {
    var wanted = Object.keys(details).filter(function (jid) {
      var d = details[jid];
      return hasFailures(d) && !(exceptions[jid] && exceptions[jid].final);
    });
    return Promise.all(wanted.map(function (jid) {
      return get('jobs/' + encodeURIComponent(jid) + '/exceptions').then(function (r) { r.final = !!TERMINAL[details[jid].state]; exceptions[jid] = r; });
    }));
  }
  function problem(text) {
    var p = document.getElementById('problem');
    p.textContent = text || '';
    p.style.display = text ? 'block' : 'none';
  }
  function poll() {
    Promise.all([get('overview'), get('taskmanagers'), get('jobs/overview'), get('taskmanagers/history').catch(function () { return null; })]).then(function (r) {
      renderOverview(r[0]);
      live = {};
      r[1].taskmanagers.forEach(function (t) { live[t.id] = t; });
      teHistory = r[3];
      renderTaskExecutors();
      jobsList = r[2].jobs.slice().sort(function (a, b) { return b['start-time'] - a['start-time']; });
      return refreshDetails(jobsList).then(function () { renderJobs(); return refreshExceptions(); }).then(renderExceptions);
    }).then(function () {
      problem('');
      document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.setAttribute('data-polled', String(Number(document.body.getAttribute('data-polled') || 0) + 1));
    }, function (err) {
      problem('Cannot reach the ApplicationMaster: ' + err.message);
    }).then(function () { setTimeout(poll, refreshMs); });
  }

  show((location.hash || '#jobs').slice(1));
  get('config').then(function (c) { refreshMs = Math.max(500, c['refresh-interval'] || refreshMs); }, function () {}).then(poll);
})();
`;
