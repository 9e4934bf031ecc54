// GET /application and /application/output: main()'s end and lines for the attached client, read
// through DispatcherClient as run-application --attached reads them.
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherServer } from '../../../appmaster/dispatcher/dispatcher-server.js';
import { ProgramOutput } from '../../../appmaster/modes/program-output.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { bearer, http } from './dispatcher-kit.js';
import { FakeClusterControl } from './fake-cluster-control.js';

const servers: DispatcherServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function dispatcher(program?: ProgramOutput) {
  const secret = newClusterSecret();
  const server = new DispatcherServer({
    control: new FakeClusterControl(),
    secret,
    host: '127.0.0.1',
    port: 0,
    log: () => {},
    ...(program ? { program } : {}),
  });
  servers.push(server);
  const { port } = await server.start();
  return { port, secret, client: new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}`, secret }) };
}

describe('/application routes', () => {
  it("serve main()'s lines after a seq and, once it returned, its value", async () => {
    const output = new ProgramOutput();
    const { client } = await dispatcher(output);
    expect(await client.applicationProgram()).toEqual({ state: 'RUNNING' });
    output.append('log', 'one');
    output.append('stdout', 'two');
    const first = await client.programOutput(-1);
    expect(first.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [0, 'log', 'one'],
      [1, 'stdout', 'two'],
    ]);
    expect(first).toMatchObject({ next: 1, ended: false, dropped: 0 });
    output.append('stderr', 'three');
    output.finish({ ok: true, result: { n: 3 } });
    expect(await client.programOutput(first.next)).toMatchObject({ lines: [{ seq: 2, text: 'three' }], next: 2, ended: true });
    expect(await client.applicationProgram()).toEqual({ state: 'RETURNED', result: { n: 3 } });
  });

  it('need the secret, refuse a bad seq, and answer 404 on a cluster that runs no main()', async () => {
    const { port } = await dispatcher(new ProgramOutput());
    expect((await http(port, 'GET', '/application/output')).status).toBe(401);
    const { client } = await dispatcher(new ProgramOutput());
    await expect(client.programOutput(-2)).rejects.toThrow(/after=-2 is not a line number/);
    const session = await dispatcher();
    const answer = await http(session.port, 'GET', '/application', { headers: bearer(session.secret) });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatch(/application mode only/);
  });
});
