// Deployments that cannot work fail with a clear message and leave nothing behind: bad values
// before anything is uploaded, an AM that dies with YARN's diagnostics (its stderr tail included).
import { afterEach, describe, expect, it } from 'vitest';
import { startSessionKit, type SessionKit } from './session-kit.js';

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('failed deployments', () => {
  it('a bad -jm fails before anything is submitted or uploaded', async () => {
    kit = await startSessionKit();
    const result = await kit.loom(['yarn-session', '-d', '-jm', '12x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^yarn-session: -jm="12x" has an unknown unit "x": write a number with a unit, e\.g\. 1024m/);
    expect(await kit.yarn.getApplications()).toEqual([]);
    expect((await kit.fs.listStatus('/')).map((s) => s.pathSuffix)).not.toContain('user');
    const notMemory = await kit.loom(['yarn-session', '-d', '-Djobmanager.memory.process.size=lots']);
    expect(notMemory.code).toBe(2);
    expect(notMemory.stderr).toMatch(/jobmanager\.memory\.process\.size="lots" \(from -D\) is not a memory size/);
    const tooBig = await kit.loom(['yarn-session', '-d', '-tm', '64g']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(
      /TaskExecutor memory of 65536 MiB is more than the cluster's largest container \(\d+ MiB, yarn\.scheduler\.maximum-allocation-mb\): lower -tm/,
    );
    expect(await kit.yarn.getApplications()).toEqual([]);
  }, 30_000);

  it("an AM that cannot start ends the deployment with YARN's diagnostics, and its staging dir is removed", async () => {
    kit = await startSessionKit({ loomConf: { 'yarn.application-attempts': '1' } });
    const result = await kit.loom(['yarn-session', '-d', '-Dloom.node.path=/nonexistent/node']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ended FAILED\/FAILED while waiting for its ApplicationMaster to register:\n/);
    expect(result.stderr).toContain('/nonexistent/node: No such file or directory'); // the tail of appmaster.stderr
    const [app] = await kit.yarn.getApplications();
    expect(app).toMatchObject({ state: 'FAILED', applicationType: 'Loom' });
    expect((await kit.fs.listStatus(`/user/${kit.user}/.loom`)).map((s) => s.pathSuffix)).toEqual(['runtime']);
  }, 30_000);
});
