// `loom fs` and `loom yarn` on a cluster whose core-site.xml says hadoop.security.authentication=kerberos:
// when log-in is impossible (no krb5.conf, no ticket cache, an expired ticket) each prints the one
// line that says what to do, before any connection, with the exit status of its other configuration errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFs } from '../../cli/commands/fs.js';
import { runYarn } from '../../cli/commands/yarn.js';
import { hasMitKdc, type MitKdc, REALM, startMitKdc } from '../client/wire/kerberos/kdc/mit-kdc.js';

function collect() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe.skipIf(!hasMitKdc)('loom commands on a Kerberized cluster without a usable log-in', () => {
  let kdc: MitKdc;
  let confDir: string;
  beforeAll(async () => {
    kdc = await startMitKdc();
    confDir = join(kdc.dir, 'hadoop-conf');
    mkdirSync(confDir);
    writeFileSync(
      join(confDir, 'core-site.xml'),
      '<configuration><property><name>hadoop.security.authentication</name><value>kerberos</value></property>' +
        '<property><name>fs.defaultFS</name><value>hdfs://127.0.0.1:1</value></property></configuration>',
    );
    writeFileSync(
      join(confDir, 'yarn-site.xml'),
      `<configuration><property><name>yarn.resourcemanager.address</name><value>127.0.0.1:1</value></property>` +
        `<property><name>yarn.resourcemanager.principal</name><value>rm/_HOST@${REALM}</value></property></configuration>`,
    );
  }, 60_000);
  afterAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    kdc?.stop();
  });

  async function run(command: 'fs' | 'yarn', env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
    const stdout = collect();
    const stderr = collect();
    const io = { stdout: stdout.stream, stderr: stderr.stream, env: { ...env, HADOOP_CONF_DIR: confDir } };
    const code = command === 'fs' ? await runFs(['-ls', '/'], io) : await runYarn(['application', '-list'], io);
    return { code, stderr: stderr.text() };
  }

  it('no ticket cache: run kinit, or configure a keytab', async () => {
    const env = { ...kdc.env, KRB5CCNAME: `FILE:${kdc.dir}/none.cc` };
    const line = `no Kerberos ticket cache at ${kdc.dir}/none.cc: run kinit <principal> (or set KRB5CCNAME to your cache), or set security.kerberos.login.keytab and security.kerberos.login.principal\n`;
    expect(await run('fs', env)).toEqual({ code: 1, stderr: `loom fs -ls: ${line}` });
    expect(await run('yarn', env)).toEqual({ code: 1, stderr: `loom yarn application -list: ${line}` });
  });

  it('no krb5.conf: names KRB5_CONFIG', async () => {
    const env = { ...kdc.env, KRB5_CONFIG: `${kdc.dir}/missing-krb5.conf` };
    const { code, stderr } = await run('fs', env);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `loom fs -ls: no krb5.conf: ${kdc.dir}/missing-krb5.conf does not exist; set KRB5_CONFIG to your realm's krb5.conf (the one kinit uses)\n`,
    );
  });

  it('an expired ticket: when it expired, and to run kinit', async () => {
    const cache = `${kdc.dir}/short.cc`;
    execFileSync('kinit', ['-l', '2s', '-c', cache, `alice@${REALM}`], { env: kdc.env, input: `${kdc.userPassword}\n`, stdio: 'pipe' });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const { code, stderr } = await run('yarn', { ...kdc.env, KRB5CCNAME: cache });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^loom yarn application -list: the Kerberos ticket of alice@${REALM} in ${cache} expired at \\S+Z; run kinit alice@${REALM}\\n$`,
      ),
    );
  });
});
