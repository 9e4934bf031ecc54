/**
 * HTTP(S) requests to the AM's REST API (the dispatcher client and the lease). With internal TLS
 * the client trusts the cluster's certificate only and pins it (client/wire/security/pinned-certificate.ts):
 * a peer that shows another certificate fails the handshake before the request, and with it the
 * bearer secret, is written, with a TlsCertificateMismatchError naming both fingerprints.
 */
import { connect as tlsConnect } from 'node:tls';
import { Agent, fetch as undiciFetch, type buildConnector } from 'undici';
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { TlsCertificateMismatchError } from '../../wire/security/tls-errors.js';

export interface AmRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface AmResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  text(): Promise<string>;
}

/** One connection pool per pinned certificate (a client talks to few clusters). */
const agents = new WeakMap<PinnedCertificate, Agent>();

function agentFor(certificate: PinnedCertificate): Agent {
  let agent = agents.get(certificate);
  if (!agent) {
    agent = new Agent({ connect: pinnedConnector(certificate) });
    agents.set(certificate, agent);
  }
  return agent;
}

/**
 * Opens the TLS connection and hands it to undici only once the peer showed exactly the pinned
 * certificate (the fingerprint is compared, no CA or host name: the pin is stricter than both);
 * otherwise the socket is closed before a byte of the request is written.
 */
function pinnedConnector(certificate: PinnedCertificate): buildConnector.connector {
  return (options, callback) => {
    let answered = false;
    const answer = (...args: [null, ReturnType<typeof tlsConnect>] | [Error, null]) => {
      if (answered) return;
      answered = true;
      callback(...args);
    };
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = tlsConnect({ host, port: Number(options.port) || 443, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    socket.once('secureConnect', () => {
      const mismatch = certificate.mismatch(socket.getPeerCertificate(), `the AM's REST endpoint at ${options.hostname}:${options.port}`);
      if (mismatch) {
        socket.destroy();
        answer(mismatch, null);
      } else answer(null, socket);
    });
    socket.once('error', (err: Error) => answer(err, null));
    return socket;
  };
}

/** `fetch` of `url` (redirects not followed); https with `certificate` pinned, plain http without one. */
export async function amFetch(url: string, request: AmRequest, certificate: PinnedCertificate | undefined): Promise<AmResponse> {
  if (!certificate) return fetch(url, { ...request, redirect: 'manual' });
  if (!url.startsWith('https://'))
    throw new TlsCertificateMismatchError(`${url} is not https: the cluster serves its REST API over TLS (security.ssl.internal.enabled)`);
  try {
    return await undiciFetch(url, { ...request, redirect: 'manual', dispatcher: agentFor(certificate) });
  } catch (err) {
    throw pinningFailure(err) ?? err;
  }
}

/** The pin's own error when a failed fetch came from it (undici wraps it as the cause of "fetch failed"). */
export function pinningFailure(err: unknown): TlsCertificateMismatchError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof TlsCertificateMismatchError) return e;
  return undefined;
}
