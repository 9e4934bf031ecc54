import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherServer } from '../../../appmaster/dispatcher/dispatcher-server.js';
import { bearer, DispatcherKit, http, rawExchange } from './dispatcher-kit.js';
import { FakeClusterControl, jobBody } from './fake-cluster-control.js';

const kit = new DispatcherKit();
afterEach(() => kit.stopAll());

const json = (secret: string) => ({ ...bearer(secret), 'Content-Type': 'application/json' });

describe('dispatcher REST routes (with the secret)', () => {
  it("GET /overview, /taskmanagers, /config in Flink's shapes", async () => {
    const { control, secret, port } = await kit.start();
    control.addTaskExecutor('container_1795460840938_0010_01_000002', 2, 1);
    control.addTaskExecutor('container_1795460840938_0010_01_000003', 2, 2);
    await control.submitJob({ bundle: jobBody().bundle as any, exportName: 'f', parallelism: 1, args: [] });

    const overview = await http(port, 'GET', '/overview', { headers: bearer(secret) });
    expect(overview.status).toBe(200);
    expect(overview.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(overview.json()).toEqual({
      taskmanagers: 2,
      'slots-total': 4,
      'slots-available': 3,
      'jobs-running': 1,
      'jobs-finished': 0,
      'jobs-cancelled': 0,
      'jobs-failed': 0,
      'loom-version': '0.1.0-test',
      'application-id': 'application_1795460840938_0010',
      mode: 'session',
      'start-time': 1_795_461_200_000,
    });

    const tms = (await http(port, 'GET', '/taskmanagers', { headers: bearer(secret) })).json();
    expect(tms.taskmanagers[0]).toEqual({
      id: 'container_1795460840938_0010_01_000002',
      host: 'localhost',
      slotsNumber: 2,
      freeSlots: 1,
      timeSinceLastHeartbeat: 1_795_461_205_000,
      registeredAt: 1_795_461_200_000,
      memoryMb: 1024,
    });
    expect(tms.taskmanagers).toHaveLength(2);

    const config = (await http(port, 'GET', '/config', { headers: bearer(secret) })).json();
    expect(config['refresh-interval']).toBe(3000);
    expect(config['loom-version']).toBe('0.1.0-test');
    expect(config.features).toEqual({ 'web-submit': false, 'web-cancel': false });
    expect(typeof config['timezone-name']).toBe('string');
  });

  it('POST /jobs, then GET /jobs, /jobs/overview and /jobs/:id follow the job', async () => {
    const { control, secret, port } = await kit.start();
    const submit = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    expect(submit.status).toBe(202);
    expect(submit.json()).toEqual({ jobid: 'job-1', jobUrl: '/jobs/job-1' });
    expect(control.submitted).toEqual([
      {
        name: 'word count',
        bundle: {
          url: 'hdfs://localhost:9000/user/root/.loom/app/bundle.mjs',
          kind: 'file',
          size: 1234,
          modificationTime: 1_795_461_000_000,
        },
        exportName: 'count',
        parallelism: 4,
        args: ['hdfs:///in', { limit: 3 }],
      },
    ]);

    control.setTask('job-1', 0, 'RUNNING', { taskExecutorId: 'container_1' });
    control.setTask('job-1', 1, 'FINISHED', { result: { words: 7 }, taskExecutorId: 'container_1' });
    control.setTask('job-1', 2, 'FAILED', { error: 'Error: boom', taskExecutorId: 'container_2' });

    expect((await http(port, 'GET', '/jobs', { headers: bearer(secret) })).json()).toEqual({ jobs: [{ id: 'job-1', status: 'RUNNING' }] });
    const overview = (await http(port, 'GET', '/jobs/overview', { headers: bearer(secret) })).json();
    expect(overview.jobs[0]).toMatchObject({
      jid: 'job-1',
      name: 'word count',
      state: 'RUNNING',
      'start-time': 1_795_461_201_000,
      'end-time': -1,
      parallelism: 4,
    });
    expect(overview.jobs[0].tasks).toEqual({ total: 4, scheduled: 1, deploying: 0, running: 1, finished: 1, failed: 1, canceled: 0 });
    expect(overview.jobs[0].duration).toBeGreaterThan(0);

    const details = (await http(port, 'GET', '/jobs/job-1', { headers: bearer(secret) })).json();
    expect(details).toMatchObject({ jid: 'job-1', state: 'RUNNING', 'export-name': 'count', parallelism: 4, 'end-time': -1 });
    expect(details.tasks).toEqual([
      { index: 0, state: 'RUNNING', attempt: 0, 'taskmanager-id': 'container_1', containerId: 'container_1' },
      { index: 1, state: 'FINISHED', attempt: 0, 'taskmanager-id': 'container_1', containerId: 'container_1', result: { words: 7 } },
      { index: 2, state: 'FAILED', attempt: 0, 'taskmanager-id': 'container_2', containerId: 'container_2', error: 'Error: boom' },
      { index: 3, state: 'SCHEDULED', attempt: 0 },
    ]);

    control.finishJob('job-1');
    const done = (await http(port, 'GET', '/v1/jobs/job-1/', { headers: bearer(secret) })).json();
    expect(done).toMatchObject({ state: 'FINISHED', 'end-time': 1_795_461_203_000, duration: 2000, results: [0, 10, 20, 30] });
  });

  it('cancels with PATCH /jobs/:id?mode=cancel (Flink) and POST /jobs/:id/cancel', async () => {
    const { control, secret, port } = await kit.start();
    await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    const patch = await http(port, 'PATCH', '/jobs/job-1?mode=cancel', { headers: bearer(secret) });
    expect(patch.status).toBe(202);
    expect(patch.json()).toMatchObject({ jid: 'job-1', state: 'CANCELED' });
    const post = await http(port, 'POST', '/jobs/job-2/cancel', { headers: bearer(secret) });
    expect(post.status).toBe(202);
    expect(control.canceled).toEqual(['job-1', 'job-2']);

    const badMode = await http(port, 'PATCH', '/jobs/job-1?mode=stop', { headers: bearer(secret) });
    expect(badMode.status).toBe(400);
    expect(badMode.json()).toEqual({ errors: ['mode=stop is not supported; use PATCH /jobs/job-1?mode=cancel'] });
    const missing = await http(port, 'PATCH', '/jobs/job-9?mode=cancel', { headers: bearer(secret) });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ errors: ['job job-9 not found; GET /jobs lists the jobs of this cluster'] });
    expect(control.canceled).toEqual(['job-1', 'job-2']);
  });

  it('DELETE /cluster answers first, then shuts down once with the given final status', async () => {
    const { control, secret, port } = await kit.start();
    const bad = await http(port, 'DELETE', '/cluster', { headers: json(secret), body: '{"finalStatus":"DONE","x":1}' });
    expect(bad.status).toBe(400);
    expect(bad.json().errors).toEqual([
      'unknown field x; the fields are finalStatus, diagnostics',
      'finalStatus must be "SUCCEEDED", "FAILED" or "KILLED"; got "DONE"',
    ]);
    expect(control.shutdowns).toEqual([]);

    const ok = await http(port, 'DELETE', '/cluster', {
      headers: json(secret),
      body: '{"finalStatus":"KILLED","diagnostics":"stopped by test"}',
    });
    expect(ok.status).toBe(202);
    await expect.poll(() => control.shutdowns).toEqual([{ finalStatus: 'KILLED', diagnostics: 'stopped by test' }]);
    expect((await http(port, 'DELETE', '/cluster', { headers: bearer(secret) })).status).toBe(202);
    const late = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    expect(late.status).toBe(503);
    expect(control.shutdowns).toHaveLength(1);
  });

  it('an empty DELETE /cluster body means SUCCEEDED', async () => {
    const { control, secret, port } = await kit.start();
    expect((await http(port, 'DELETE', '/cluster', { headers: bearer(secret) })).status).toBe(202);
    await expect
      .poll(() => control.shutdowns)
      .toEqual([{ finalStatus: 'SUCCEEDED', diagnostics: 'Stopped through the REST API (DELETE /cluster)' }]);
  });

  it("unknown routes are 404 and wrong methods 405 with Allow, in Flink's error shape", async () => {
    const { secret, port } = await kit.start();
    const nf = await http(port, 'GET', '/jars', { headers: bearer(secret) });
    expect(nf.status).toBe(404);
    expect(nf.json().errors[0]).toMatch(/^Not found: \/jars\. The routes are/);
    const put = await http(port, 'PUT', '/jobs', { headers: bearer(secret), body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
    expect(put.json()).toEqual({ errors: ['PUT is not allowed on /jobs; allowed: GET, HEAD, POST'] });
    expect((await http(port, 'GET', '/cluster', { headers: bearer(secret) })).status).toBe(405);
    const head = await http(port, 'HEAD', '/overview', { headers: bearer(secret) });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('ClusterControl failures: httpStatus 4xx and problem lists pass through, others are 500s and logged', async () => {
    const { control, secret, port } = await kit.start();
    control.failNextSubmit = Object.assign(new Error('not enough slots: the cluster allows at most 8 TaskExecutors'), { httpStatus: 409 });
    const conflict = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toEqual({ errors: ['not enough slots: the cluster allows at most 8 TaskExecutors'] });
    control.failNextSubmit = Object.assign(new Error('invalid job: args take 5000000 bytes as JSON'), {
      problems: ['args take 5000000 bytes as JSON; the limit is 4194304'],
    });
    const refused = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ errors: ['args take 5000000 bytes as JSON; the limit is 4194304'] });
    control.failNextSubmit = new Error('HDFS is down');
    const broken = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody()) });
    expect(broken.status).toBe(500);
    expect(broken.json()).toEqual({ errors: ['submitting the job failed: HDFS is down'] });
    expect(kit.logs.some((l) => l.includes('submitting the job failed') && l.includes('HDFS is down'))).toBe(true);
  });

  it('refuses to start with a missing or short secret', () => {
    expect(() => new DispatcherServer({ control: new FakeClusterControl(), secret: 'short' })).toThrow(/shorter than 16 characters/);
  });
});

describe('POST /jobs validation', () => {
  const cases: [string, unknown, string[]][] = [
    ['parallelism 0', jobBody({ parallelism: 0 }), ['parallelism must be a whole number from 1 to 10000; got 0']],
    ['parallelism as text', jobBody({ parallelism: '4' }), ['parallelism must be a whole number from 1 to 10000; got "4"']],
    ['parallelism fractional', jobBody({ parallelism: 1.5 }), ['parallelism must be a whole number from 1 to 10000; got 1.5']],
    [
      'no exportName',
      jobBody({ exportName: undefined }),
      ['exportName must name an exported function (a JavaScript identifier, or "default"); got nothing'],
    ],
    [
      'exportName not an identifier',
      jobBody({ exportName: 'my-fn' }),
      ['exportName must name an exported function (a JavaScript identifier, or "default"); got "my-fn"'],
    ],
    ['args an object', jobBody({ args: { a: 1 } }), ['args must be a JSON array (each task gets it as task.args); got an object']],
    ['name empty', jobBody({ name: '' }), ['name must be a string of 1 to 256 printable characters; got ""']],
    [
      'a typo in a field',
      jobBody({ paralellism: 4 }),
      ['unknown field paralellism; the fields are name, bundle, exportName, parallelism, args'],
    ],
    [
      'no bundle',
      jobBody({ bundle: undefined }),
      ['bundle is required: {"url": "hdfs://...", "kind": "file"|"archive", "size": N, "modificationTime": N}'],
    ],
    [
      'bundle a string',
      jobBody({ bundle: 'hdfs:///b.mjs' }),
      ['bundle must be an object {"url", "kind", "size", "modificationTime"}; got "hdfs:///b.mjs"'],
    ],
    [
      'bundle on the local disk',
      jobBody({ bundle: { url: 'file:///tmp/b.mjs', kind: 'file', size: 1, modificationTime: 1 } }),
      [
        'bundle.url must be on the cluster\'s file system (hdfs://, webhdfs://, swebhdfs://, viewfs:// or an absolute path), so every TaskExecutor can fetch it; got "file:///tmp/b.mjs"',
      ],
    ],
    [
      'bundle url with a space',
      jobBody({ bundle: { url: 'hdfs:///a b.mjs', kind: 'file', size: 1, modificationTime: 1 } }),
      ['bundle.url must be a URL on HDFS without spaces (hdfs://..., webhdfs://... or an absolute path); got "hdfs:///a b.mjs"'],
    ],
    [
      'archive without entry, negative size, unknown kind field',
      jobBody({ bundle: { url: '/user/root/b.tgz', kind: 'archive', size: -1, modificationTime: 1, sha: 'x' } }),
      [
        'unknown field bundle.sha; the fields are bundle.url, bundle.kind, bundle.entry, bundle.size, bundle.modificationTime',
        'bundle.entry must be the module to import, relative to the archive root without "..", e.g. "index.js"; got nothing',
        "bundle.size must be a whole number >= 0 from the file's status on HDFS (GETFILESTATUS length); got -1",
      ],
    ],
    [
      'archive entry escaping the root',
      jobBody({ bundle: { url: 'hdfs:///b.tgz', kind: 'archive', entry: '../x.js', size: 1, modificationTime: 1 } }),
      ['bundle.entry must be the module to import, relative to the archive root without "..", e.g. "index.js"; got "../x.js"'],
    ],
    [
      'entry on a single file, bad kind',
      jobBody({ bundle: { url: 'hdfs:///b.mjs', kind: 'zip', size: 1, modificationTime: '1' } }),
      [
        'bundle.kind must be "file" (one ES module) or "archive" (a .tar.gz); got "zip"',
        'bundle.modificationTime must be a whole number >= 0 from the file\'s status on HDFS (GETFILESTATUS modificationTime); got "1"',
      ],
    ],
    [
      'entry on a file bundle',
      jobBody({ bundle: { url: 'hdfs:///b.mjs', kind: 'file', entry: 'x.js', size: 1, modificationTime: 1 } }),
      ['bundle.entry is only used with bundle.kind "archive"; remove it for a single-file bundle'],
    ],
    ['a JSON array', [1, 2], ['the request body must be a JSON object (a JobSpec), not an array']],
    ['JSON null', null, ['the request body must be a JSON object (a JobSpec), not null']],
  ];

  it.each(cases)('%s -> 400 naming the field', async (_what, body, errors) => {
    const { control, secret, port } = await kit.start();
    const res = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ errors });
    expect(control.submitted).toEqual([]);
  });

  it('accepts an archive bundle with an entry and no args (args default to [])', async () => {
    const { control, secret, port } = await kit.start();
    const body = jobBody({
      args: undefined,
      name: undefined,
      exportName: 'default',
      bundle: { url: 'webhdfs://nn:9870/b.tgz', kind: 'archive', entry: 'dist/main.js', size: 0, modificationTime: 0 },
    });
    expect((await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(body) })).status).toBe(202);
    expect(control.submitted[0]).toEqual({
      bundle: { url: 'webhdfs://nn:9870/b.tgz', kind: 'archive', entry: 'dist/main.js', size: 0, modificationTime: 0 },
      exportName: 'default',
      parallelism: 4,
      args: [],
    });
  });
});

describe('authentication', () => {
  it('every route refuses a request without the secret (401 saying where the secret is)', async () => {
    const { control, port } = await kit.start();
    const routes: [string, string][] = [
      ['GET', '/'],
      ['GET', '/dashboard.html'],
      ['GET', '/overview'],
      ['GET', '/taskmanagers'],
      ['GET', '/jobs'],
      ['GET', '/jobs/overview'],
      ['GET', '/jobs/job-1'],
      ['GET', '/config'],
      ['GET', '/metrics'],
      ['POST', '/jobs'],
      ['PATCH', '/jobs/job-1?mode=cancel'],
      ['POST', '/jobs/job-1/cancel'],
      ['DELETE', '/cluster'],
    ];
    for (const [method, path] of routes) {
      const res = await http(port, method, path, method === 'POST' ? { body: JSON.stringify(jobBody()) } : {});
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="loom"');
      const [message] = res.json().errors;
      expect(message).toMatch(
        /^this request needs the cluster secret: send "Authorization: Bearer <secret>"\. The client that started the cluster holds the secret: yarn-session writes it to the session properties file \.loom-session-<user>/,
      );
    }
    expect(control.submitted).toEqual([]);
    expect(control.shutdowns).toEqual([]);
  });

  it('a wrong secret, a secret of another length, or another scheme are refused alike', async () => {
    const { control, secret, port } = await kit.start();
    const wrongSameLength = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    for (const header of [
      `Bearer ${wrongSameLength}`,
      `Bearer ${secret}x`,
      'Bearer ',
      `Basic ${Buffer.from(`root:${secret}`).toString('base64')}`,
      secret,
    ]) {
      const res = await http(port, 'POST', '/jobs', {
        headers: { Authorization: header, 'Content-Type': 'application/json' },
        body: JSON.stringify(jobBody()),
      });
      expect(res.status, header).toBe(401);
      expect(res.json().errors[0]).toMatch(
        /^the cluster secret in the Authorization header is wrong \(expected "Authorization: Bearer <secret>"\)\. The client that started/,
      );
    }
    expect(control.submitted).toEqual([]);
    expect((await http(port, 'GET', '/overview', { headers: { Authorization: `bearer  ${secret}` } })).status).toBe(200);
  });
});

describe('bad input never takes the server down', () => {
  it('malformed JSON, wrong encodings and oversized bodies get 4xx; the server keeps answering', async () => {
    const { control, secret, port } = await kit.start({ maxBodyBytes: 4096 });
    const malformed = await http(port, 'POST', '/jobs', { headers: json(secret), body: '{"bundle": {' });
    expect(malformed.status).toBe(400);
    expect(malformed.json().errors[0]).toMatch(/^the request body is not valid JSON: /);

    expect((await http(port, 'POST', '/jobs', { headers: json(secret), body: '' })).json().errors[0]).toMatch(/^the request body is empty/);
    expect((await http(port, 'POST', '/jobs', { headers: json(secret), body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) })).status).toBe(400);

    const big = await http(port, 'POST', '/jobs', { headers: json(secret), body: JSON.stringify(jobBody({ args: ['x'.repeat(10_000)] })) });
    expect(big.status).toBe(413);
    expect(big.json().errors[0]).toBe(
      'the request body is larger than 4096 bytes; job arguments belong in a file on HDFS, or raise rest.server.max-content-length',
    );

    // Chunked (no Content-Length): the limit applies while streaming.
    const chunked = await rawExchange(
      port,
      `POST /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n${'y'.repeat(0x2000)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);

    expect((await http(port, 'GET', '/jobs/%E0%A4%A', { headers: bearer(secret) })).status).toBe(400);
    expect(await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(await rawExchange(port, `GET /overview HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);

    expect(control.submitted).toEqual([]);
    const after = await http(port, 'GET', '/overview', { headers: bearer(secret) });
    expect(after.status).toBe(200);
  });

  it('a ClusterControl that throws synchronously gives a 500, not a crash', async () => {
    const control = new FakeClusterControl();
    control.overview = () => {
      throw new TypeError('overview exploded');
    };
    const { secret, port } = await kit.start({ control });
    const res = await http(port, 'GET', '/overview', { headers: bearer(secret) });
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ errors: ['internal error: overview exploded'] });
    expect(kit.logs.some((l) => l.startsWith('dispatcher: request failed: TypeError: overview exploded'))).toBe(true);
    expect((await http(port, 'GET', '/taskmanagers', { headers: bearer(secret) })).status).toBe(200);
  });
});
