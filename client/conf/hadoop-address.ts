import { ConfigurationError } from './configuration-error.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parse a Hadoop address value (`host`, `host:port`, `[::1]:8020`, or `scheme://host:port/...`) as
 * NetUtils.createSocketAddr accepts it; `defaultPort` applies when no port is written. IPv6 hosts
 * are returned without brackets. `key` names the configuration key in error messages.
 */
export function parseHadoopAddress(address: string, defaultPort: number, key?: string): HostPort {
  const what = key ? `${key}=${JSON.stringify(address)}` : JSON.stringify(address);
  const fail = (problem: string): never => {
    throw new ConfigurationError(`${what} is not a valid host:port address: ${problem}`, key);
  };
  let text = address.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (scheme) text = text.slice(scheme[0].length).replace(/[/?#].*$/, '');
  if (text === '') fail('it is empty');

  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) fail('"[" without a closing "]" around the IPv6 address');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) fail(`unexpected ${JSON.stringify(rest)} after the IPv6 address`);
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) fail('an IPv6 address needs brackets, e.g. [::1]:8020');
    [host, portText] = colons === 1 ? (text.split(':') as [string, string]) : [text, undefined];
  }
  if (host === '' || /[\s/@]/.test(host)) fail('the host name is missing or contains whitespace, "/" or "@"');
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) fail(`port ${JSON.stringify(portText)} is not a number from 0 to 65535`);
  return { host, port: Number(portText) };
}

/** Wildcard bind addresses mean "this machine's address" on the server, not a host to connect to. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0';
}
