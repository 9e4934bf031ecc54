// Opt-in: Loom's WebHDFS client with SPNEGO against a real Kerberized Hadoop 3.3.6
// (../shared/tools/real-hadoop-secure.sh), with the ticket of the caller's own kinit. Skips unless
// LOOM_SECURE_HADOOP_CONF_DIR is set; KRB5_CONFIG and KRB5CCNAME must name the realm's krb5.conf and
// a cache kinit filled. LOOM_SECURE_WEBHDFS (default http://localhost:9870) names the NameNode.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { SpnegoAuthenticationError } from '../../../../client/hadoop/http-auth/spnego-errors.js';
import { kerberosIdentityFromSettings } from '../../../../client/wire/kerberos/identity/kerberos-identity-from-settings.js';
import { KerberosConfigurationError } from '../../../../client/wire/kerberos/kerberos-errors.js';
import { decodeTokenFromUrlString } from '../../../../client/wire/security/token.js';

const confDir = process.env.LOOM_SECURE_HADOOP_CONF_DIR;
const webHdfs = new URL(process.env.LOOM_SECURE_WEBHDFS ?? 'http://localhost:9870');
const endpoint = { scheme: 'http' as const, host: webHdfs.hostname, port: Number(webHdfs.port) };

describe.skipIf(!confDir)('WebHDFS with SPNEGO against the real secure Hadoop', () => {
  it('lists, writes and reads back 4 MiB under /tmp/spnego, and gets a delegation token for the RM', async () => {
    const started = Date.now();
    const identity = kerberosIdentityFromSettings({ authentication: 'kerberos', useTicketCache: true });
    if (!identity) throw new Error('no identity');
    const client = new WebHdfsClient({ endpoints: [endpoint], kerberos: { identity }, retry: { maxAttempts: 1 } });
    try {
      await client.mkdirs('/tmp/spnego');
      expect((await client.listStatus('/tmp')).map((s) => s.pathSuffix)).toContain('spnego');
      const data = randomBytes(4 << 20);
      await client.create('/tmp/spnego/round-trip.bin', Readable.from([data.subarray(0, 1 << 20), data.subarray(1 << 20)]), {
        overwrite: true,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of await client.open('/tmp/spnego/round-trip.bin')) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      const urlString = await client.getDelegationToken('rm/localhost@LOOM.TEST');
      const token = decodeTokenFromUrlString(urlString ?? '');
      // NamenodeWebHdfsMethods.generateDelegationToken names it for WebHDFS (WebHdfsConstants.WEBHDFS_TOKEN_KIND);
      // the same identifier and password serve Hadoop IPC under kind HDFS_DELEGATION_TOKEN.
      expect(token.kind).toBe('WEBHDFS delegation');
      expect(token.identifier.toString('latin1')).toContain('root');
      await client.cancelDelegationToken(urlString ?? '');
      await client.delete('/tmp/spnego/round-trip.bin');
      console.log(`secure WebHDFS journey: ${Date.now() - started} ms`);
    } finally {
      client.close();
    }
  }, 120_000);

  it('without a Kerberos identity the NameNode challenge is one clear line', async () => {
    const client = new WebHdfsClient({ endpoints: [endpoint], retry: { maxAttempts: 1 } });
    try {
      const err = await client.listStatus('/').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpnegoAuthenticationError);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('without a ticket cache the log-in is one clear line', () => {
    const env = { ...process.env, KRB5CCNAME: '/tmp/spnego/no-such.cc' };
    expect(() => kerberosIdentityFromSettings({ authentication: 'kerberos', useTicketCache: true }, { env })).toThrow(
      KerberosConfigurationError,
    );
  });
});
