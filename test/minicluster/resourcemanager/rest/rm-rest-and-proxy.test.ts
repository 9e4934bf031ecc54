import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { containerIdToProto, parseContainerId } from '../../../../client/wire/codec/yarn-ids.js';
import { ResourceManagerCore } from '../../../../minicluster/resourcemanager/resource-manager-core.js';
import { RmRestServer } from '../../../../minicluster/resourcemanager/rest/rm-rest-server.js';
import { readFixture, readFixtureJson } from '../../../support/fixtures.js';

const TS = 1795460840938;
const APP = `application_${TS}_0010`; // the recorded web-proxy app id, so requests are replayed verbatim

interface RawResponse {
  statusLine: string;
  headers: [string, string][];
  body: string;
}

/** Send raw bytes and read until the server closes (every recorded request says Connection: close). */
function rawExchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(request));
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      resolve({
        statusLine: statusLine,
        headers: lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)] as [string, string]),
        body: text.slice(end + 4),
      });
    });
  });
}

/** Key order and JSON types, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, shape(x)]);
  return v === null ? 'null' : typeof v;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startRm() {
  let t = 1795461200000;
  const rm = new ResourceManagerCore({ config: { clusterTimestamp: TS, now: () => t } });
  const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
  const rest = new RmRestServer(rm);
  const addr = await rest.start();
  cleanups.push(() => rest.stop());
  return { rm, node, port: addr.port, advance: (ms: number) => (t += ms) };
}

function submitAndRegister(rm: ResourceManagerCore, node: string, seq: number, trackingUrl: string) {
  rm.submitApplication(
    {
      application_id: { id: seq, cluster_timestamp: TS },
      application_name: 'fx',
      queue: 'default',
      resource: { memory: 256, virtual_cores: 1 },
      applicationType: 'FX',
    },
    'root',
  );
  rm.nodeHeartbeat(node);
  const launch = rm.takeAmLaunches()[0];
  const am = `container_${TS}_${String(seq).padStart(4, '0')}_01_000001`;
  rm.amContainerLaunched(am);
  const attempt = `appattempt_${TS}_${String(seq).padStart(4, '0')}_000001`;
  rm.registerApplicationMaster(attempt, { host: '127.0.0.1', rpc_port: -1, tracking_url: trackingUrl });
  return { attempt, am, launch };
}

describe('RM REST API', () => {
  it('answers in the recorded shapes: key order, types, headers and the duplicate-key quirk', async () => {
    const { rm, node, port, advance } = await startRm();
    const { attempt, am } = submitAndRegister(rm, node, 6, '');
    rm.allocate(attempt, {
      response_id: 0,
      ask: [{ priority: { priority: 0 }, resource_name: '*', capability: { memory: 128, virtual_cores: 1 }, num_containers: 1 }],
    });
    rm.nodeHeartbeat(node);
    advance(13_000);

    const get = (path: string) => rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    const decodeChunked = (b: string) => {
      let out = '';
      let rest = b;
      for (;;) {
        const nl = rest.indexOf('\r\n');
        const n = parseInt(rest.slice(0, nl), 16);
        if (!n) return out;
        out += rest.slice(nl + 2, nl + 2 + n);
        rest = rest.slice(nl + 2 + n + 2);
      }
    };
    const index = readFixtureJson<any[]>('rm-rest', 'index.json');
    const cases: [string, string][] = [
      ['/ws/v1/cluster/info', 'running-cluster-info.json'],
      ['/ws/v1/cluster/metrics', 'running-cluster-metrics.json'],
      ['/ws/v1/cluster/nodes', 'running-cluster-nodes.json'],
      [`/ws/v1/cluster/apps/application_${TS}_0006`, 'running-app.json'],
      [`/ws/v1/cluster/apps/application_${TS}_0006/appattempts`, 'running-app-appattempts.json'],
      [`/ws/v1/cluster/apps/application_${TS}_0006/state`, 'running-app-state.json'],
      [`/ws/v1/cluster/apps/application_${TS}_9999`, 'err-app-missing.json'],
      ['/ws/v1/cluster/apps/not_an_app_id', 'err-app-badid.json'],
    ];
    for (const [path, file] of cases) {
      const res = await get(path);
      const recorded = index.find((e) => e.file === file)!;
      expect(res.statusLine, file).toBe(recorded.status_line);
      const names = (hs: string[]) => hs.filter((n) => !['connection', 'keep-alive'].includes(n.toLowerCase()));
      expect(names(res.headers.map(([n]) => n)), file).toEqual(
        names(recorded.response_headers.map((h: string) => h.slice(0, h.indexOf(':')))),
      );
      const body = decodeChunked(res.body);
      const expected = readFixture('rm-rest', file).toString('utf8');
      expect(shape(JSON.parse(body)), file).toEqual(shape(JSON.parse(expected)));
      if (file.startsWith('err-')) expect(body).toBe(expected.replace('application_1795373400808_9999', `application_${TS}_9999`));
      if (file === 'running-app.json') {
        expect(body).toMatch(
          /"resourceSecondsMap":\{"entry":\{"key":"memory-mb","value":"\d+"\},"entry":\{"key":"vcores","value":"\d+"\}\}/,
        );
        expect(body).toContain('"progress":0.0,');
        expect(body).toContain('"maximumAllocation":9223372036854775807,');
        expect(JSON.parse(body).app.amContainerLogs).toBe(`http://localhost:8042/node/containerlogs/${am}/root`);
      }
      if (file === 'running-app-appattempts.json') expect(body).toContain('"exportPorts":"null"');
    }
  });

  it('matches the FAILED bad-queue app and kills through PUT .../state', async () => {
    const { rm, node, port } = await startRm();
    rm.submitApplication(
      {
        application_id: { id: 4, cluster_timestamp: TS },
        application_name: 'bad-queue',
        queue: 'nosuchqueue',
        resource: { memory: 256, virtual_cores: 1 },
      },
      'root',
    );
    const bad = await rawExchange(port, `GET /ws/v1/cluster/apps/application_${TS}_0004 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const body = JSON.parse(bad.body.slice(bad.body.indexOf('{'), bad.body.lastIndexOf('}') + 1));
    expect(shape(body)).toEqual(shape(readFixtureJson('rm-rest', 'failed-app-bad-queue.json')));

    submitAndRegister(rm, node, 5, '');
    const put = (b: string) =>
      rawExchange(
        port,
        `PUT /ws/v1/cluster/apps/application_${TS}_0005/state HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n${b}`,
      );
    expect((await put('{"state":"RUNNING"}')).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await put('not json')).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await put('{"state":"KILLED"}')).statusLine).toBe('HTTP/1.1 202 Accepted');
    const again = await put('{"state":"KILLED"}');
    expect(again.statusLine).toBe('HTTP/1.1 200 OK');
    expect(rm.getApplicationReport(`application_${TS}_0005`).diagnostics).toBe(
      `Application application_${TS}_0005 was killed by user root at 127.0.0.1`,
    );
  });
});

describe('RM web proxy', () => {
  async function startAm() {
    const received: IncomingMessage[] = [];
    const bodies: Buffer[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(req);
        bodies.push(Buffer.concat(chunks));
        const body = JSON.stringify({ method: req.method, uri: req.url, receivedBodyLength: Buffer.concat(chunks).length });
        // Header names as the JDK HttpServer writes them (see web-proxy/tcp-streams.txt).
        res.writeHead(req.method === 'POST' ? 201 : 200, [
          'Content-type',
          'application/json',
          'X-fx-am',
          'am-header-value',
          'Set-cookie',
          'fxam=1; Path=/some',
          'Content-length',
          String(body.length),
        ]);
        res.end(body);
      });
    });
    const sockets = new Set<import('node:net').Socket>();
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { port: (server.address() as AddressInfo).port, received, bodies, connections: () => sockets.size };
  }

  it('replays the recorded exchanges: methods, forwarded headers, answers, 404, OPTIONS and the 302 after the end', async () => {
    const amServer = await startAm();
    const { rm, node, port } = await startRm();
    const { am } = submitAndRegister(rm, node, 10, `http://127.0.0.1:${amServer.port}/`);

    const legs = readFixtureJson<any[]>('web-proxy', 'tcp-streams.json')
      .filter((s) => s.server_port !== 8088)
      .map((s) => s.segments.find((g: any) => g.dir === 'c2s').text as string);
    const recordedLegs = legs.map((text) => {
      const [line, ...hs] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      return { line, headers: hs.map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 2)]) };
    });

    let leg = 0;
    for (const n of ['01-get', '02-post', '03-put', '04-delete', '05-get', '06-head', '07-get', '08-get', '09-options']) {
      const ex = readFixtureJson('web-proxy', 'exchanges', `${n}.json`);
      const before = amServer.received.length;
      const res = await rawExchange(port, ex.request_raw);
      expect(res.statusLine, n).toBe(ex.status_line);
      const names = (hs: string[]) => hs.map((h) => h.toLowerCase());
      expect(names(res.headers.map(([k]) => k)), n).toEqual(names(ex.response_headers.map((h: string) => h.slice(0, h.indexOf(':')))));
      const volatile = new Set(['date', 'expires']);
      for (const h of ex.response_headers as string[]) {
        const [k, v] = [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 2)];
        if (volatile.has(k.toLowerCase())) continue;
        expect(res.headers.find(([x]) => x.toLowerCase() === k.toLowerCase())?.[1], `${n} ${k}`).toBe(v);
      }
      expect(res.body, n).toBe(ex.response_body_raw);
      if (amServer.received.length > before) {
        const got = amServer.received.at(-1)!;
        const want = recordedLegs[leg++];
        expect(`${got.method} ${got.url} HTTP/1.1`, n).toBe(want.line);
        const gotHeaders = [];
        for (let i = 0; i < got.rawHeaders.length; i += 2) gotHeaders.push([got.rawHeaders[i].toLowerCase(), got.rawHeaders[i + 1]]);
        expect(
          gotHeaders.map(([k]) => k),
          n,
        ).toEqual(want.headers.map(([k]) => k));
        for (const [k, v] of want.headers) if (k !== 'host') expect(gotHeaders.find(([x]) => x === k)?.[1], `${n} ${k}`).toBe(v);
        expect(gotHeaders.find(([x]) => x === 'host')?.[1]).toBe(`127.0.0.1:${amServer.port}`);
      }
    }
    expect(leg).toBe(recordedLegs.length);
    // A new TCP connection per proxied request, as recorded.
    expect(amServer.connections()).toBe(recordedLegs.length);
    const received = readFixture('web-proxy', 'am-received-requests.txt').toString('utf8');
    expect(amServer.received.length).toBe((received.match(/HTTP_RECEIVED/g) ?? []).length);

    // After the app ends: 302 to the RM's app page.
    rm.finishApplicationMaster(`appattempt_${TS}_0010_000001`, { final_application_status: 'APP_SUCCEEDED' });
    rm.nodeHeartbeat(node, [{ container_id: containerIdToProto(parseContainerId(am)), state: 'C_COMPLETE', exit_status: 0 }]);
    const ex = readFixtureJson('web-proxy', 'exchanges', '10-get-after-finish.json');
    const res = await rawExchange(port, ex.request_raw);
    expect(res.statusLine).toBe(ex.status_line);
    expect(res.headers.map(([k]) => k)).toEqual(ex.response_headers.map((h: string) => h.slice(0, h.indexOf(':'))));
    expect(res.headers.find(([k]) => k === 'Location')?.[1]).toBe(`http://localhost:8088/cluster/app/${APP}`);
    expect(res.body).toBe(ex.response_body_raw);
  });

  it('serves /proxy/redirect/<app>/..., where AmIpFilter sends browsers that reached the AM directly', async () => {
    const amServer = await startAm();
    const { rm, node, port } = await startRm();
    submitAndRegister(rm, node, 11, `http://127.0.0.1:${amServer.port}/`);
    const appId = `application_${TS}_0011`;
    const res = await fetch(`http://127.0.0.1:${port}/proxy/redirect/${appId}/jobs/overview?x=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ method: 'GET', uri: '/jobs/overview?x=1' });
    expect(amServer.received.at(-1)!.headers.cookie).toBe('proxy-user=' + rm.appRecord(appId).user);
  });
});
