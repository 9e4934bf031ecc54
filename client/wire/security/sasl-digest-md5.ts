import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  deriveDigestMd5Keys,
  DigestMd5SecurityLayer,
  SUPPORTED_DIGEST_CIPHERS,
  type DigestCipher,
  type DigestQop,
} from './digest-md5-security-layer.js';
import { SaslError } from './sasl-error.js';
import type { SaslSecurityLayer } from './sasl-security-layer.js';

export { SaslError } from './sasl-error.js';

/**
 * SASL DIGEST-MD5 (RFC 2831) exactly as Hadoop's TOKEN authentication uses it: `algorithm=md5-sess`,
 * `charset=utf-8`, no authzid, digest-uri `<protocol>/<serverId>` (`/default` on YARN), qop auth,
 * auth-int or auth-conf as hadoop.rpc.protection says (authentication, integrity, privacy). The
 * challenge travels inside the server's NEGOTIATE, so an exchange is challenge -> response ->
 * `rspauth`; with auth-int or auth-conf both sides then hold a security layer that wraps every
 * later message (digest-md5-security-layer.ts).
 *
 * Pure computation: the IPC engine moves these strings in SaslAuth/SaslMessage frames.
 */

// RFC 2831 size limits (the JDK enforces the same ones).
const MAX_CHALLENGE_LENGTH = 2048;
const MAX_RESPONSE_LENGTH = 4096;
/** What the JDK client advertises as its receive buffer; recorded in every Hadoop INITIATE. */
const CLIENT_MAXBUF = 65536;
const FIRST_NC = '00000001';

/** Nonces as the JDK makes them: 30 random bytes in standard base64 = 40 characters. */
export function generateNonce(): string {
  return randomBytes(30).toString('base64');
}

/** Hadoop's SASL credentials for a token: username = base64(identifier), password = base64(password). */
export function tokenSaslCredentials(token: { identifier: Buffer; password: Buffer }): { username: string; password: string } {
  return { username: token.identifier.toString('base64'), password: token.password.toString('base64') };
}

// ---------------------------------------------------------------------------------------------
// Directive lists: `name=value` or `name="quoted \" value"`, comma separated, blanks allowed.

type Directives = Map<string, string[]>;

const TOKEN_CHAR = /[!#$%&'*+\-.0-9A-Z^_`a-z|~]/;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Parses a directive list; names are case-insensitive (lowercased here), values are unescaped. */
export function parseDirectives(text: string, what: string): Directives {
  const out: Directives = new Map();
  let i = 0;
  const n = text.length;
  const fail = (why: string): never => {
    throw new SaslError(`DIGEST-MD5: malformed ${what}: ${why} at position ${i}`);
  };
  while (i < n) {
    while (i < n && (isSpace(text[i]) || text[i] === ',')) i++;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && TOKEN_CHAR.test(text[i])) i++;
    if (i === nameStart) fail(`unexpected character ${JSON.stringify(text[i])} where a directive name should start`);
    const name = text.slice(nameStart, i).toLowerCase();
    while (i < n && isSpace(text[i])) i++;
    if (text[i] !== '=') fail(`directive "${name}" has no "=" and value`);
    i++;
    while (i < n && isSpace(text[i])) i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i++];
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\') {
          if (i >= n) break;
          value += text[i++];
        } else value += c;
      }
      if (!closed) fail(`unterminated quoted value of "${name}"`);
    } else {
      const valueStart = i;
      while (i < n && text[i] !== ',' && !isSpace(text[i])) {
        if (text[i] === '"') fail(`stray quote in the value of "${name}"`);
        i++;
      }
      value = text.slice(valueStart, i);
    }
    while (i < n && isSpace(text[i])) i++;
    if (i < n && text[i] !== ',') fail(`expected "," after the value of "${name}"`);
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** The single value of a directive; duplicates are refused (RFC 2831 allows only realm to repeat, in challenges). */
function single(d: Directives, name: string, what: string): string | undefined {
  const values = d.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw new SaslError(`DIGEST-MD5: ${what} has directive "${name}" ${values.length} times; it may appear only once`);
  return values[0];
}

function required(d: Directives, name: string, what: string): string {
  const v = single(d, name, what);
  if (v === undefined || v === '') throw new SaslError(`DIGEST-MD5: ${what} has no "${name}" directive`);
  return v;
}

/** Quoted-string with the two characters RFC 2831 requires escaping. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const QOPS: readonly string[] = ['auth', 'auth-int', 'auth-conf'] satisfies DigestQop[];

function isQop(value: string): value is DigestQop {
  return QOPS.includes(value);
}

/** hadoop.rpc.protection's words for each qop, for messages that tell a person what to set. */
const PROTECTION_OF_QOP: Record<DigestQop, string> = { auth: 'authentication', 'auth-int': 'integrity', 'auth-conf': 'privacy' };

function splitList(list: string): string[] {
  return list
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q !== '');
}

// ---------------------------------------------------------------------------------------------
// The RFC 2831 digest computations (md5-sess, no authzid).

interface DigestInputs {
  username: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  digestUri: string;
  qop: DigestQop;
}

function md5(data: Buffer | string): Buffer {
  return createHash('md5').update(data).digest();
}

function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** H(A1): the session key, from which the response and the security layer's keys derive. */
function sessionKey(x: DigestInputs): Buffer {
  const inner = md5(Buffer.from(`${x.username}:${x.realm}:${x.password}`, 'utf8'));
  return md5(Buffer.concat([inner, Buffer.from(`:${x.nonce}:${x.cnonce}`, 'utf8')]));
}

/** RFC 2831 2.1.2.1: with auth-int or auth-conf, A2 ends with ":" and 32 zeros (the empty body's hash). */
const A2_PROTECTED_SUFFIX = ':00000000000000000000000000000000';

/** `response` (a2Prefix "AUTHENTICATE") or `rspauth` (a2Prefix ""). */
function digest(x: DigestInputs, a2Prefix: 'AUTHENTICATE' | ''): string {
  const ha2 = md5Hex(`${a2Prefix}:${x.digestUri}${x.qop === 'auth' ? '' : A2_PROTECTED_SUFFIX}`);
  return md5Hex(`${sessionKey(x).toString('hex')}:${x.nonce}:${x.nc}:${x.cnonce}:${x.qop}:${ha2}`);
}

/** The layer both sides build once authenticated, or none for qop auth. */
function securityLayer(x: DigestInputs, cipher: DigestCipher | undefined, side: 'client' | 'server'): SaslSecurityLayer | undefined {
  if (x.qop === 'auth') return undefined;
  return new DigestMd5SecurityLayer(x.qop, deriveDigestMd5Keys(sessionKey(x), x.qop, cipher), side);
}

/** The first of our ciphers the peer lists; a peer offering only ciphers we lack is refused by name. */
function chooseCipher(offered: string, who: string): DigestCipher {
  const names = splitList(offered);
  const chosen = SUPPORTED_DIGEST_CIPHERS.find((c) => names.includes(c));
  if (!chosen) {
    throw new SaslError(
      `DIGEST-MD5: ${who} offers the ciphers [${names.join(', ')}] for privacy and Loom implements only ${SUPPORTED_DIGEST_CIPHERS.join(', ')} ` +
        "(rc4 and des need OpenSSL's legacy provider); enable 3des on the server or use hadoop.rpc.protection=integrity",
    );
  }
  return chosen;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------------------------------------

export interface DigestMd5ClientOptions {
  username: string;
  password: string;
  protocol: string;
  serverId: string;
  /**
   * The qops we accept, preferred first (Sasl.QOP as Hadoop's SaslPropertiesResolver builds it from
   * hadoop.rpc.protection); ['auth'] by default.
   */
  qops?: readonly DigestQop[];
  /** Fixed client nonce, for tests only. */
  cnonce?: string;
}

export class DigestMd5Client {
  private inputs: DigestInputs | undefined;
  private cipher: DigestCipher | undefined;

  constructor(private readonly opts: DigestMd5ClientOptions) {}

  /** Answer the challenge text found in the server's NEGOTIATE SaslAuth.challenge; returns the INITIATE token text. */
  respond(challenge: string): string {
    if (this.inputs) throw new SaslError('DIGEST-MD5: the client already answered a challenge; start a new exchange for a new connection');
    const what = 'server challenge';
    if (challenge.length > MAX_CHALLENGE_LENGTH) {
      throw new SaslError(`DIGEST-MD5: server challenge is ${challenge.length} characters, over the ${MAX_CHALLENGE_LENGTH} allowed`);
    }
    const d = parseDirectives(challenge, what);
    for (const [name, values] of d) {
      if (name !== 'realm' && values.length > 1) single(d, name, what);
    }
    const nonce = required(d, 'nonce', what);
    const algorithm = single(d, 'algorithm', what);
    if (algorithm?.toLowerCase() !== 'md5-sess') {
      throw new SaslError(`DIGEST-MD5: server challenge asks for algorithm "${algorithm ?? '(none)'}"; only md5-sess is defined`);
    }
    const qop = this.chooseQop(single(d, 'qop', what) ?? 'auth');
    if (qop === 'auth-conf') this.cipher = chooseCipher(single(d, 'cipher', what) ?? '', 'the server');
    const charset = single(d, 'charset', what);
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      throw new SaslError(`DIGEST-MD5: server challenge names charset "${charset}"; only utf-8 is allowed`);
    }
    // RFC 2831 lets a server offer several realms; Hadoop offers one. Take the first.
    const realm = d.get('realm')?.[0];
    this.inputs = {
      username: this.opts.username,
      realm: realm ?? '',
      password: this.opts.password,
      nonce,
      cnonce: this.opts.cnonce ?? generateNonce(),
      nc: FIRST_NC,
      digestUri: `${this.opts.protocol}/${this.opts.serverId}`,
      qop,
    };
    const x = this.inputs;
    const parts = [
      ...(charset !== undefined ? ['charset=utf-8'] : []),
      `username=${quote(x.username)}`,
      ...(realm !== undefined ? [`realm=${quote(x.realm)}`] : []),
      `nonce=${quote(x.nonce)}`,
      `nc=${x.nc}`,
      `cnonce=${quote(x.cnonce)}`,
      `digest-uri=${quote(x.digestUri)}`,
      `maxbuf=${CLIENT_MAXBUF}`,
      `response=${digest(x, 'AUTHENTICATE')}`,
      `qop=${qop}`,
      ...(this.cipher ? [`cipher=${this.cipher}`] : []),
    ];
    return parts.join(',');
  }

  /**
   * The first of our qops the server offers, as the JDK's DigestMD5Client picks; none in common is
   * its "No common protection layer between client and server", with what to set.
   */
  private chooseQop(offeredList: string): DigestQop {
    const offered = splitList(offeredList);
    const wanted = this.opts.qops ?? ['auth'];
    const chosen = wanted.find((q) => offered.includes(q));
    if (!chosen) {
      const words = (qops: readonly string[]) => qops.map((q) => (isQop(q) ? PROTECTION_OF_QOP[q] : q)).join(',');
      throw new SaslError(
        `DIGEST-MD5: No common protection layer between client and server: the server offers qop [${offered.join(', ')}] ` +
          `(hadoop.rpc.protection=${words(offered)}) and the client asks for [${wanted.join(', ')}] (hadoop.rpc.protection=${words(wanted)}); ` +
          "set the client's hadoop.rpc.protection to the cluster's",
      );
    }
    return chosen;
  }

  /**
   * Check the server's final token `rspauth=<hex>`; throws SaslError if it does not match. Returns
   * the security layer when the negotiated qop is auth-int or auth-conf.
   */
  verifyServerFinal(token: string): SaslSecurityLayer | undefined {
    if (!this.inputs) throw new SaslError("DIGEST-MD5: got the server's final token before answering its challenge");
    const what = 'server final token';
    const d = parseDirectives(token, what);
    const rspauth = required(d, 'rspauth', what);
    if (!sameHex(rspauth, digest(this.inputs, ''))) {
      throw new SaslError(
        "DIGEST-MD5: the server's rspauth does not match; the server does not know the token password (wrong server or forged reply)",
      );
    }
    return securityLayer(this.inputs, this.cipher, 'client');
  }
}

// ---------------------------------------------------------------------------------------------

export interface DigestMd5ServerOptions {
  protocol: string;
  serverId: string;
  /** Defaults to serverId, as Hadoop's servers do. */
  realm?: string;
  /** The qops offered, preferred first (from hadoop.rpc.protection); ['auth'] by default. */
  qops?: readonly DigestQop[];
  /** Fixed nonce, for tests only. */
  nonce?: string;
  /** base64 password for a base64-identifier username; undefined = unknown token. May throw SaslError to refuse. */
  lookupPassword(username: string): string | undefined;
}

export class DigestMd5Server {
  private readonly realm: string;
  private readonly nonce: string;
  private readonly digestUri: string;
  private readonly qops: readonly DigestQop[];
  private answered = false;

  constructor(private readonly opts: DigestMd5ServerOptions) {
    this.qops = opts.qops && opts.qops.length > 0 ? opts.qops : ['auth'];
    this.realm = opts.realm ?? opts.serverId;
    this.nonce = opts.nonce ?? generateNonce();
    this.digestUri = `${opts.protocol}/${opts.serverId}`;
  }

  /** The challenge text to put in the NEGOTIATE SaslAuth.challenge. */
  challenge(): string {
    // The JDK's DigestMD5Server lists the ciphers only when it offers auth-conf.
    const cipher = this.qops.includes('auth-conf') ? `,cipher=${quote(SUPPORTED_DIGEST_CIPHERS.join(','))}` : '';
    return `realm=${quote(this.realm)},nonce=${quote(this.nonce)},qop=${quote(this.qops.join(','))},charset=utf-8${cipher},algorithm=md5-sess`;
  }

  /**
   * Verify the client's INITIATE token; returns the username, the `rspauth=...` text for the
   * SUCCESS token and, for qop auth-int or auth-conf, the server's security layer.
   */
  verifyResponse(response: string): { username: string; rspauth: string; securityLayer?: SaslSecurityLayer } {
    const what = 'client response';
    if (response.length > MAX_RESPONSE_LENGTH) {
      throw new SaslError(`DIGEST-MD5: client response is ${response.length} characters, over the ${MAX_RESPONSE_LENGTH} allowed`);
    }
    // One answer per challenge, right or wrong: Hadoop never re-authenticates on a connection,
    // and a second try against the same nonce would only help someone guessing passwords.
    if (this.answered) throw new SaslError('DIGEST-MD5: this challenge was already answered (replayed response); open a new connection');
    this.answered = true;
    const d = parseDirectives(response, what);
    for (const name of d.keys()) single(d, name, what);
    const nc = required(d, 'nc', what);
    if (nc !== FIRST_NC) {
      throw new SaslError(`DIGEST-MD5: nonce count ${nc} is not ${FIRST_NC}; the response is replayed or out of order`);
    }
    const charset = single(d, 'charset', what);
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      throw new SaslError(`DIGEST-MD5: client response names charset "${charset}"; only utf-8 is allowed`);
    }
    const username = required(d, 'username', what);
    const realm = single(d, 'realm', what) ?? '';
    if (realm !== this.realm) throw new SaslError(`DIGEST-MD5: client response realm "${realm}" is not the offered realm "${this.realm}"`);
    const nonce = required(d, 'nonce', what);
    if (nonce !== this.nonce)
      throw new SaslError("DIGEST-MD5: nonce mismatch: the client response does not answer this server's challenge");
    const cnonce = required(d, 'cnonce', what);
    const qop = (single(d, 'qop', what) ?? 'auth').toLowerCase();
    if (!isQop(qop) || !this.qops.includes(qop)) {
      throw new SaslError(
        `DIGEST-MD5: digest response format violation. Invalid QOP: ${qop} (this server offers ${this.qops.join(', ')}; ` +
          "set the client's hadoop.rpc.protection to the cluster's)",
      );
    }
    let cipher: DigestCipher | undefined;
    if (qop === 'auth-conf') cipher = chooseCipher(single(d, 'cipher', what) ?? '', 'the client');
    const digestUri = required(d, 'digest-uri', what);
    if (digestUri.toLowerCase() !== this.digestUri.toLowerCase()) {
      throw new SaslError(`DIGEST-MD5: client response digest-uri "${digestUri}" is not "${this.digestUri}"`);
    }
    const authzid = single(d, 'authzid', what);
    if (authzid !== undefined && authzid !== username) {
      throw new SaslError('DIGEST-MD5: client asks to act as another user (authzid); token authentication does not allow that');
    }
    const maxbuf = single(d, 'maxbuf', what);
    if (maxbuf !== undefined && !/^[0-9]{1,10}$/.test(maxbuf))
      throw new SaslError(`DIGEST-MD5: client response maxbuf "${maxbuf}" is not a number`);
    const received = required(d, 'response', what);
    if (!/^[0-9a-fA-F]{32}$/.test(received)) throw new SaslError('DIGEST-MD5: client response "response" is not 32 hex digits');

    const password = this.lookup(username);
    const x: DigestInputs = { username, realm, password, nonce, cnonce, nc, digestUri, qop };
    if (!sameHex(received, digest(x, 'AUTHENTICATE'))) {
      throw new SaslError('DIGEST-MD5: digest response mismatch; the token password is wrong or the token has been replaced');
    }
    const layer = securityLayer(x, cipher, 'server');
    return { username, rspauth: `rspauth=${digest(x, '')}`, ...(layer ? { securityLayer: layer } : {}) };
  }

  private lookup(username: string): string {
    let password: string | undefined;
    try {
      password = this.opts.lookupPassword(username);
    } catch (err) {
      if (err instanceof SaslError) throw err;
      throw new SaslError(`DIGEST-MD5: cannot check the token: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (password === undefined) {
      throw new SaslError(
        'DIGEST-MD5: unknown token: this server holds no password for the token identifier (the token expired, belongs to a finished application attempt, or was issued by another server)',
      );
    }
    return password;
  }
}
