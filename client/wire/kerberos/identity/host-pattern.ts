import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';

/** The placeholder Hadoop replaces with a host name in a principal ("rm/_HOST@REALM"). */
export const HOST_PATTERN = '_HOST';

/**
 * `principal` with a `_HOST` instance replaced by `host` in lower case, as Hadoop's
 * SecurityUtil.getServerPrincipal does (only the instance of a name/instance@REALM principal is
 * replaced; any other principal is returned as it is).
 */
export function replaceHostPattern(principal: string, host: string): string {
  const at = principal.lastIndexOf('@');
  const base = at >= 0 ? principal.slice(0, at) : principal;
  const parts = base.split('/');
  if (parts.length !== 2 || parts[1] !== HOST_PATTERN) return principal;
  return `${parts[0]}/${host.toLowerCase()}${at >= 0 ? principal.slice(at) : ''}`;
}

let canonical: string | undefined;

/**
 * This machine's canonical host name, lower case: what Hadoop's SecurityUtil takes for `_HOST` in
 * a client's own principal (InetAddress.getLocalHost().getCanonicalHostName()). `hostname -f`
 * asks the resolver the same question synchronously; without it, the kernel's host name.
 */
export function localCanonicalHostName(): string {
  if (canonical !== undefined) return canonical;
  let name = hostname();
  try {
    const fqdn = execFileSync('hostname', ['-f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (fqdn !== '') name = fqdn;
  } catch {
    // No hostname(1), or the resolver does not know this host: the kernel's name stands.
  }
  canonical = name.toLowerCase();
  return canonical;
}
