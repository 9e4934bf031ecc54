/**
 * The `Negotiate` challenge of a `WWW-Authenticate` header (RFC 4559 section 4.1): whether the
 * server offers it, and the base64 token it carries on its final answer (RFC 4559 section 4.2).
 * Several challenges may share a header ("Negotiate, Basic realm=...") or come in several headers.
 */
export function negotiateChallenge(wwwAuthenticate: string | readonly string[] | null | undefined): {
  offered: boolean;
  token: Buffer | undefined;
} {
  const headers = typeof wwwAuthenticate === 'string' ? [wwwAuthenticate] : (wwwAuthenticate ?? []);
  for (const header of headers) {
    const m = /(?:^|,)\s*Negotiate(?:\s+([A-Za-z0-9+/]+=*))?\s*(?:,|$)/i.exec(header);
    if (!m) continue;
    // A group that did not match is undefined at run time, whatever RegExpExecArray's type says.
    const encoded = m.at(1);
    return { offered: true, token: encoded ? Buffer.from(encoded, 'base64') : undefined };
  }
  return { offered: false, token: undefined };
}
