import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import { KerberosLoginError } from '../kerberos-errors.js';
import type { KdcAddress, Krb5Config } from '../files/krb5-conf.js';

/** How long one KDC gets to answer over one protocol (MIT waits 1 s per UDP try; TCP connects take longer). */
export const DEFAULT_KDC_TIMEOUT_MS = 5000;

/**
 * Sends `request` to the KDCs of `realm` from krb5.conf, each in turn, and returns the first
 * reply. As MIT's client: a request longer than udp_preference_limit goes over TCP first, others
 * over UDP first; a KDC entry written tcp/ or udp/ is tried over that protocol alone; a UDP reply
 * of KRB_ERR_RESPONSE_TOO_BIG is the caller's cue to use TCP (`preferTcp`).
 */
export async function sendToKdc(
  config: Krb5Config,
  realm: string,
  request: Buffer,
  options: { timeoutMs?: number; preferTcp?: boolean } = {},
): Promise<Buffer> {
  const kdcs = config.realms[realm]?.kdcs ?? [];
  if (kdcs.length === 0)
    throw new KerberosLoginError(
      `krb5.conf names no KDC for realm ${realm}; add "${realm} = { kdc = host:port }" under [realms]${config.dnsLookupKdc ? ' (DNS SRV lookup of KDCs is not supported by Loom)' : ''}`,
      undefined,
    );
  const tcpFirst = options.preferTcp === true || request.length > config.udpPreferenceLimit;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KDC_TIMEOUT_MS;
  const failures: string[] = [];
  for (const kdc of kdcs) {
    const protocols: ('tcp' | 'udp')[] = kdc.protocol ? [kdc.protocol] : tcpFirst ? ['tcp', 'udp'] : ['udp', 'tcp'];
    for (const protocol of protocols) {
      try {
        return protocol === 'tcp' ? await sendTcp(kdc, request, timeoutMs) : await sendUdp(kdc, request, timeoutMs);
      } catch (err) {
        failures.push(`${protocol}/${kdc.host}:${kdc.port}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  throw new KerberosLoginError(
    `no KDC of realm ${realm} answered (${failures.join('; ')}); check [realms] ${realm} kdc in krb5.conf and that the KDC runs`,
    undefined,
    { retryable: true },
  );
}

/** RFC 4120 section 7.2.2: over TCP each message is led by its length as 4 big-endian bytes. */
function sendTcp(kdc: KdcAddress, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else if (reply) resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const length = all.readUInt32BE(0);
      if (length > 0x7fffffff) finish(new Error('reply length has the high bit set'));
      else if (all.length >= 4 + length) finish(undefined, all.subarray(4, 4 + length));
    });
    socket.on('end', () => finish(new Error('the KDC closed the connection before a whole reply')));
    socket.connect(kdc.port, kdc.host, () => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(request.length, 0);
      socket.write(Buffer.concat([prefix, request]));
    });
  });
}

function sendUdp(kdc: KdcAddress, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(kdc.host) ? 'udp6' : 'udp4');
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else if (reply) resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('message', (reply) => finish(undefined, reply));
    socket.send(request, kdc.port, kdc.host, (err) => {
      if (err) finish(err);
    });
  });
}
