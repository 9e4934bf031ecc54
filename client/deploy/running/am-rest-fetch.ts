/**
 * HTTP(S) requests to the AM's REST API (the dispatcher client and the lease). With internal TLS
 * the client trusts the cluster's certificate only and pins it (client/wire/security/pinned-certificate.ts):
 * a peer that shows another certificate fails the handshake before the request, and with it the
 * bearer secret, is written, with a TlsCertificateMismatchError naming both fingerprints.
 */
import { Agent, fetch as undiciFetch } from 'undici';
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
    const pinning = certificate.tlsClientOptions("the AM's REST endpoint");
    agent = new Agent({
      connect: { ca: pinning.ca, checkServerIdentity: (host, peer) => certificate.mismatch(peer, `the AM's REST endpoint at ${host}`) },
    });
    agents.set(certificate, agent);
  }
  return agent;
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
