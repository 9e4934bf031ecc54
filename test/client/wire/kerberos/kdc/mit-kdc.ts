// A real MIT KDC for tests (Debian's krb5-kdc, installed by .ci/run): a realm in a temporary
// directory, krb5kdc on a free loopback port, a user with a password, a user and a service with
// keytabs. stop() kills it and removes the directory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REALM = 'LOOM.TEST';
export const hasMitKdc = existsSync('/usr/sbin/krb5kdc') && existsSync('/usr/sbin/kdb5_util') && existsSync('/usr/bin/kinit');

export interface MitKdc {
  dir: string;
  port: number;
  env: NodeJS.ProcessEnv;
  krb5Conf: string;
  userPassword: string;
  serviceKeytab: string;
  userKeytab: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`krb5kdc did not listen on ${port}`);
}

export async function startMitKdc(): Promise<MitKdc> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-kdc-'));
  let kdc: ChildProcess | undefined;
  const stop = () => {
    if (kdc?.pid !== undefined && kdc.exitCode === null) kdc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const krb5Conf = join(dir, 'krb5.conf');
    writeFileSync(
      join(dir, 'kdc.conf'),
      `[kdcdefaults]\n kdc_ports = ${port}\n kdc_tcp_ports = ${port}\n[realms]\n ${REALM} = {\n  database_name = ${dir}/principal\n  key_stash_file = ${dir}/stash\n  acl_file = ${dir}/kadm5.acl\n  kdc_ports = ${port}\n  kdc_tcp_ports = ${port}\n  max_life = 24h 0m 0s\n  max_renewable_life = 7d 0h 0m 0s\n  master_key_type = aes256-cts-hmac-sha1-96\n  default_principal_flags = +preauth\n  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n }\n[logging]\n kdc = FILE:${dir}/kdc.log\n`,
    );
    writeFileSync(join(dir, 'kadm5.acl'), `*/admin@${REALM} *\n`);
    writeFileSync(
      krb5Conf,
      `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n udp_preference_limit = 1\n ticket_lifetime = 10h\n renew_lifetime = 7d\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${port}\n }\n[domain_realm]\n localhost = ${REALM}\n`,
    );
    const env = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: join(dir, 'kdc.conf'), KRB5CCNAME: `FILE:${dir}/default.cc` };
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: 'pipe' });
    run('kdb5_util', ['create', '-s', '-r', REALM, '-P', 'master-secret']);
    const kadmin = (q: string) => run('kadmin.local', ['-r', REALM, '-q', q]);
    const userPassword = 'alice-secret';
    kadmin(`addprinc -pw ${userPassword} alice@${REALM}`);
    kadmin(`addprinc -randkey bob@${REALM}`);
    kadmin(`ktadd -k ${dir}/bob.keytab bob@${REALM}`);
    kadmin(`addprinc -randkey HTTP/localhost@${REALM}`);
    kadmin(`ktadd -k ${dir}/http.keytab HTTP/localhost@${REALM}`);
    kdc = spawn('krb5kdc', ['-n', '-r', REALM], { env, stdio: 'ignore' });
    await waitForPort(port);
    return { dir, port, env, krb5Conf, userPassword, serviceKeytab: `${dir}/http.keytab`, userKeytab: `${dir}/bob.keytab`, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
