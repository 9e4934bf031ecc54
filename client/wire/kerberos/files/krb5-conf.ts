import { KerberosConfigurationError } from '../kerberos-errors.js';

/** A profile section or sub-section: each relation's values in file order (a tag may repeat, as `kdc` does). */
export type ProfileSection = Readonly<Partial<Record<string, (string | ProfileSection)[]>>>;

/** One KDC of a realm: host, port (88 unless given) and, when the entry says so, the only protocol to use. */
export interface KdcAddress {
  readonly host: string;
  readonly port: number;
  readonly protocol?: 'tcp' | 'udp' | undefined;
}

/** The parts of krb5.conf Loom uses (MIT's krb5.conf(5), defaults as MIT's). */
export interface Krb5Config {
  readonly defaultRealm?: string | undefined;
  /** Requests longer than this many bytes go over TCP first (MIT default 1465). */
  readonly udpPreferenceLimit: number;
  readonly dnsLookupKdc: boolean;
  /** Allowed clock skew in seconds (MIT default 300). */
  readonly clockSkewSeconds: number;
  /** Default ticket lifetime in seconds (MIT default one day). */
  readonly ticketLifetimeSeconds: number;
  readonly renewLifetimeSeconds?: number | undefined;
  readonly realms: Readonly<Partial<Record<string, { readonly kdcs: readonly KdcAddress[] }>>>;
  /** [domain_realm]: `.example.com` (a domain) or `host.example.com` (a host) to realm. */
  readonly domainRealm: Readonly<Record<string, string>>;
  /** Every section as parsed, for keys Loom does not model. */
  readonly sections: Readonly<Partial<Record<string, ProfileSection>>>;
}

/** Reads what an `include FILE` or `includedir DIR` line names: the texts of the files, in MIT's order. */
export type Krb5IncludeReader = (directive: 'include' | 'includedir', path: string, where: string) => { text: string; source: string }[];

/** MIT refuses include loops by depth; so does Loom. */
const MAX_INCLUDE_DEPTH = 10;

/**
 * MIT's profile syntax: `[section]` headers, `tag = value` relations, `tag = {` ... `}`
 * sub-sections, `#` and `;` comment lines, a `*` after a tag or brace marks it final (ignored
 * here: Loom reads the files in order and keeps the first value). `include FILE` and
 * `includedir DIR` lines (krb5.conf(5)) are read through `readInclude` where they stand, each file
 * syntactically on its own (it starts with a section header; the including file's section goes on
 * after it); without a reader they are refused by name. `source` names the file in errors.
 */
export function parseKrb5Conf(text: string, source = 'krb5.conf', readInclude?: Krb5IncludeReader): Krb5Config {
  return parseKrb5Files([{ text, source }], readInclude);
}

/** Several krb5.conf files as one (KRB5_CONFIG's list): the first file's values come first, so they win. */
export function parseKrb5Files(files: readonly { text: string; source: string }[], readInclude?: Krb5IncludeReader): Krb5Config {
  const sections: Partial<Record<string, Record<string, (string | ProfileSection)[]>>> = {};
  for (const file of files) parseProfileInto(sections, file.text, file.source, readInclude, 0);
  return modelOf(sections, files[0]?.source ?? 'krb5.conf');
}

function parseProfileInto(
  sections: Partial<Record<string, Record<string, (string | ProfileSection)[]>>>,
  text: string,
  source: string,
  readInclude: Krb5IncludeReader | undefined,
  depth: number,
): void {
  let current: Record<string, (string | ProfileSection)[]> | undefined;
  const stack: Record<string, (string | ProfileSection)[]>[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source} line ${index + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const directive = /^(include|includedir|module)\s+(.*)$/.exec(line);
    if (directive) {
      const kind = directive[1];
      if (kind === 'module' || !readInclude)
        throw new KerberosConfigurationError(`${where}: "${line}" is not supported by Loom yet; put the settings in ${source} itself`);
      if (stack.length > 0) throw new KerberosConfigurationError(`${where}: "${kind}" must stand outside any { }`);
      if (depth >= MAX_INCLUDE_DEPTH)
        throw new KerberosConfigurationError(`${where}: includes nest deeper than ${MAX_INCLUDE_DEPTH} files; is there a loop?`);
      for (const file of readInclude(kind === 'include' ? 'include' : 'includedir', directive[2].trim(), where))
        parseProfileInto(sections, file.text, file.source, readInclude, depth + 1);
      return;
    }
    const header = /^\[([^\]]+)\]\s*\*?$/.exec(line);
    if (header) {
      if (stack.length > 0) throw new KerberosConfigurationError(`${where}: section [${header[1]}] starts inside an unclosed {`);
      current = sections[header[1]] ??= {};
      return;
    }
    if (!current) throw new KerberosConfigurationError(`${where}: "${line}" comes before any [section] header`);
    if (/^}\s*\*?$/.test(line)) {
      const parent = stack.pop();
      if (!parent) throw new KerberosConfigurationError(`${where}: "}" closes nothing`);
      current = parent;
      return;
    }
    const relation = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!relation) throw new KerberosConfigurationError(`${where}: expected "tag = value", "tag = {" or "}", found "${line}"`);
    const tag = relation[1].replace(/\*$/, '').trim();
    const value = relation[2].trim();
    const values = (current[tag] ??= []);
    if (value === '{') {
      const child: Record<string, (string | ProfileSection)[]> = {};
      values.push(child);
      stack.push(current);
      current = child;
      return;
    }
    values.push(unquote(value));
  });
  if (stack.length > 0) throw new KerberosConfigurationError(`${source}: a "{" is never closed`);
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', b: '\b' })[c] ?? c);
  return value;
}

function modelOf(sections: Partial<Record<string, ProfileSection>>, source: string): Krb5Config {
  const libdefaults = sections.libdefaults ?? {};
  const text = (section: ProfileSection, tag: string): string | undefined => {
    const first = section[tag]?.find((v) => typeof v === 'string');
    return typeof first === 'string' ? first : undefined;
  };
  const number = (tag: string, fallback: number) => {
    const value = text(libdefaults, tag);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new KerberosConfigurationError(`${source}: [libdefaults] ${tag} = ${value} is not a whole number`);
    return n;
  };
  const duration = (tag: string) => {
    const value = text(libdefaults, tag);
    return value === undefined ? undefined : parseKrb5Duration(value, `${source}: [libdefaults] ${tag}`);
  };
  const realms: Record<string, { kdcs: KdcAddress[] }> = {};
  for (const [realm, entries] of Object.entries(sections.realms ?? {})) {
    // A realm may be described in several files (includes, KRB5_CONFIG's list): its kdc lines add up, as MIT's profile reads them.
    const kdcs = (entries ?? [])
      .flatMap((section) => (typeof section === 'string' ? [] : (section.kdc ?? [])))
      .filter((v) => typeof v === 'string')
      .map((v) => parseKdcAddress(v, `${source}: [realms] ${realm} kdc`));
    realms[realm] = { kdcs };
  }
  const domainRealm: Record<string, string> = {};
  for (const [domain, values] of Object.entries(sections.domain_realm ?? {})) {
    const realm = values?.find((v) => typeof v === 'string');
    if (typeof realm === 'string') domainRealm[domain.toLowerCase()] = realm;
  }
  return {
    defaultRealm: text(libdefaults, 'default_realm'),
    udpPreferenceLimit: number('udp_preference_limit', 1465),
    dnsLookupKdc: parseKrb5Boolean(text(libdefaults, 'dns_lookup_kdc') ?? 'false'),
    clockSkewSeconds: duration('clockskew') ?? 300,
    ticketLifetimeSeconds: duration('ticket_lifetime') ?? 86400,
    renewLifetimeSeconds: duration('renew_lifetime'),
    realms,
    domainRealm,
    sections,
  };
}

/** MIT's profile booleans: y, yes, true, t, 1, on and their opposites. */
export function parseKrb5Boolean(value: string): boolean {
  return ['y', 'yes', 'true', 't', '1', 'on'].includes(value.toLowerCase());
}

/**
 * A krb5.conf duration (krb5.conf(5) "duration"): plain seconds, `h:m[:s]`, or `NdNhNmNs`
 * parts such as `10h`, `1d12h`, `5m`.
 */
export function parseKrb5Duration(value: string, where: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(value);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(optionalGroup(clock, 3) ?? 0);
  const parts = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (parts && value !== '') return [86400, 3600, 60, 1].reduce((sum, unit, i) => sum + unit * Number(optionalGroup(parts, i + 1) ?? 0), 0);
  throw new KerberosConfigurationError(`${where} = ${value} is not a duration (write seconds, h:m:s, or 1d2h3m4s)`);
}

/** A realm's `kdc = [tcp/|udp/]host[:port]` (IPv6 in brackets). */
export function parseKdcAddress(value: string, where: string): KdcAddress {
  const m = /^(?:(tcp|udp)\/)?(?:\[([^\]]+)\]|([^:\s]+))(?::(\d+))?$/i.exec(value);
  if (!m) throw new KerberosConfigurationError(`${where} = ${value} is not host or host:port`);
  const portText = optionalGroup(m, 4);
  const port = portText === undefined ? 88 : Number(portText);
  if (port < 1 || port > 65535) throw new KerberosConfigurationError(`${where} = ${value}: port ${port} is out of range`);
  const protocol = optionalGroup(m, 1)?.toLowerCase() as 'tcp' | 'udp' | undefined;
  return { host: optionalGroup(m, 2) ?? m[3], port, protocol };
}

/** The realm of `host` by [domain_realm] (the host itself, then each parent domain), else the default realm. */
export function realmForHost(config: Krb5Config, host: string): string | undefined {
  const name = host.toLowerCase();
  if (config.domainRealm[name]) return config.domainRealm[name];
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
    const domain = name.slice(dot);
    if (config.domainRealm[domain]) return config.domainRealm[domain];
    if (config.domainRealm[domain.slice(1)]) return config.domainRealm[domain.slice(1)];
  }
  return config.defaultRealm;
}

/** A regular expression group that may not have matched (the array's type says string, the value may be undefined). */
function optionalGroup(match: RegExpExecArray, index: number): string | undefined {
  return index < match.length && typeof match[index] === 'string' ? match[index] : undefined;
}
