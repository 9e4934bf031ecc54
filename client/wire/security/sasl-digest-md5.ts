import { LoomError } from '../../errors/loom-error.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SASL DIGEST-MD5 (RFC 2831) exactly as Hadoop's TOKEN authentication uses it: qop `auth` only,
 * `algorithm=md5-sess`, `charset=utf-8`, no authzid, digest-uri `<protocol>/<serverId>`
 * (`/default` on YARN). The challenge travels inside the server's NEGOTIATE, so an exchange is
 * challenge -> response -> `rspauth`, with nothing wrapped afterwards.
 *
 * Pure computation: the IPC engine moves these strings in SaslAuth/SaslMessage frames.
 */

export class SaslError extends LoomError {
  static override readonly code: string = 'SASL_FAILED';
  override readonly name = 'SaslError';
}

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

function checkQopAuth(qopList: string, what: string): void {
  const offered = qopList.split(',').map((q) => q.trim().toLowerCase());
  if (!offered.includes('auth')) {
    throw new SaslError(
      `DIGEST-MD5: ${what} offers qop "${qopList}" without "auth": integrity/privacy protection ` +
        '(hadoop.rpc.protection = integrity or privacy) is not supported yet; set hadoop.rpc.protection to authentication on the cluster',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The RFC 2831 digest computations (md5-sess, qop=auth, no authzid).

interface DigestInputs {
  username: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  digestUri: string;
}

function md5(data: Buffer | string): Buffer {
  return createHash('md5').update(data).digest();
}

function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

function sessionKeyHex(x: DigestInputs): string {
  const inner = md5(Buffer.from(`${x.username}:${x.realm}:${x.password}`, 'utf8'));
  return md5Hex(Buffer.concat([inner, Buffer.from(`:${x.nonce}:${x.cnonce}`, 'utf8')]));
}

/** `response` (a2Prefix "AUTHENTICATE") or `rspauth` (a2Prefix ""). */
function digest(x: DigestInputs, a2Prefix: 'AUTHENTICATE' | ''): string {
  const ha2 = md5Hex(`${a2Prefix}:${x.digestUri}`);
  return md5Hex(`${sessionKeyHex(x)}:${x.nonce}:${x.nc}:${x.cnonce}:auth:${ha2}`);
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
  /** Fixed client nonce, for tests only. */
  cnonce?: string;
}

export class DigestMd5Client {
  private inputs: DigestInputs | undefined;

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
    checkQopAuth(single(d, 'qop', what) ?? 'auth', what);
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
      'qop=auth',
    ];
    return parts.join(',');
  }

  /** Check the server's final token `rspauth=<hex>`; throws SaslError if it does not match. */
  verifyServerFinal(token: string): void {
    if (!this.inputs) throw new SaslError("DIGEST-MD5: got the server's final token before answering its challenge");
    const what = 'server final token';
    const d = parseDirectives(token, what);
    const rspauth = required(d, 'rspauth', what);
    if (!sameHex(rspauth, digest(this.inputs, ''))) {
      throw new SaslError(
        "DIGEST-MD5: the server's rspauth does not match; the server does not know the token password (wrong server or forged reply)",
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------

export interface DigestMd5ServerOptions {
  protocol: string;
  serverId: string;
  /** Defaults to serverId, as Hadoop's servers do. */
  realm?: string;
  /** Fixed nonce, for tests only. */
  nonce?: string;
  /** base64 password for a base64-identifier username; undefined = unknown token. May throw SaslError to refuse. */
  lookupPassword(username: string): string | undefined;
}

export class DigestMd5Server {
  private readonly realm: string;
  private readonly nonce: string;
  private readonly digestUri: string;
  private answered = false;

  constructor(private readonly opts: DigestMd5ServerOptions) {
    this.realm = opts.realm ?? opts.serverId;
    this.nonce = opts.nonce ?? generateNonce();
    this.digestUri = `${opts.protocol}/${opts.serverId}`;
  }

  /** The challenge text to put in the NEGOTIATE SaslAuth.challenge. */
  challenge(): string {
    return `realm=${quote(this.realm)},nonce=${quote(this.nonce)},qop="auth",charset=utf-8,algorithm=md5-sess`;
  }

  /** Verify the client's INITIATE token; returns the username and the `rspauth=...` text for the SUCCESS token. */
  verifyResponse(response: string): { username: string; rspauth: string } {
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
    checkQopAuth(single(d, 'qop', what) ?? 'auth', what);
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
    const x: DigestInputs = { username, realm, password, nonce, cnonce, nc, digestUri };
    if (!sameHex(received, digest(x, 'AUTHENTICATE'))) {
      throw new SaslError('DIGEST-MD5: digest response mismatch; the token password is wrong or the token has been replaced');
    }
    return { username, rspauth: `rspauth=${digest(x, '')}` };
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
