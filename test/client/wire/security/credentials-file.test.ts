import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../../client/wire/codec/codec-error.js';
import { Credentials } from '../../../../client/wire/security/credentials-file.js';
import { decodeTokenFromUrlString, encodeTokenToUrlString } from '../../../../client/wire/security/token.js';
import { fixturePath, readFixture } from '../../../support/fixtures.js';

interface ExpectedToken {
  alias: string;
  kind: string;
  service: string;
  identifier: string;
  password: string;
  url?: string;
}
interface ExpectedFile {
  tokens: ExpectedToken[];
  secrets: [string, string][];
}

/** Parses container_tokens.credentials-dump.txt (written by Hadoop's own Credentials class). */
function loadDump(): Map<string, ExpectedFile> {
  const text = readFileSync(fixturePath('containers', 'container_tokens.credentials-dump.txt'), 'utf8');
  const files = new Map<string, ExpectedFile>();
  let current: ExpectedFile | undefined;
  let token: ExpectedToken | undefined;
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = /^file: (\S+)/.exec(line))) {
      current = { tokens: [], secrets: [] };
      files.set(m[1], current);
    } else if ((m = /^\s+token alias="(.*)"$/.exec(line))) {
      token = { alias: m[1], kind: '', service: '', identifier: '', password: '' };
      current!.tokens.push(token);
    } else if ((m = /^\s+kind="(.*)" service="(.*)"$/.exec(line))) {
      token!.kind = m[1]!;
      token!.service = m[2]!;
    } else if ((m = /^\s+identifier\(hex\)=(\w+)/.exec(line))) token!.identifier = m[1]!;
    else if ((m = /^\s+password\(hex\)=(\w+)/.exec(line))) token!.password = m[1]!;
    else if ((m = /^\s+encodeToUrlString\(\)=(\S+)/.exec(line))) token!.url = m[1]!;
    else if ((m = /^\s+secretKey alias="(.*)" value\(hex\)=(\w*)/.exec(line))) current!.secrets.push([m[1], m[2]]);
  }
  return files;
}

/** The am-restart AMs logged each token Hadoop's Credentials read from their file. */
function loadAmRestartTokens(dir: string, attempt: number): ExpectedToken {
  const log = readFileSync(fixturePath(dir, `am-attempt${attempt}-stdout.txt`), 'utf8');
  const m = / TOKEN kind=(\S*) service=(\S*) id=(\w+) pw=(\w+)/.exec(log)!;
  return { alias: '', kind: m[1], service: m[2], identifier: m[3], password: m[4] };
}

function actual(creds: Credentials): ExpectedFile {
  return {
    tokens: [...creds.tokens].map(([alias, t]) => ({
      alias,
      kind: t.kind,
      service: t.service,
      identifier: t.identifier.toString('hex'),
      password: t.password.toString('hex'),
    })),
    secrets: [...creds.secrets].map(([alias, v]) => [alias, v.toString('hex')]),
  };
}

const dump = loadDump();

describe('Credentials file (HDTS) against the Hadoop dump', () => {
  it('the dump lists the 8 files we expect', () => {
    expect(dump.size).toBe(8);
  });

  for (const [file, expected] of dump) {
    it(`${file} parses into the tokens Hadoop saw and re-serialises to the same bytes`, () => {
      const bytes = readFixture('containers', file);
      const creds = Credentials.parse(bytes, file);
      const withoutUrls = { ...expected, tokens: expected.tokens.map(({ url: _u, ...t }) => t) };
      expect(actual(creds)).toEqual(withoutUrls);
      const format = bytes[4] === 1 ? 'protobuf' : 'writable';
      expect(creds.serialize(format).toString('hex')).toBe(bytes.toString('hex'));
    });
  }

  it('the protobuf and writable multi-token samples hold the same content; each converts into the other', () => {
    const w = readFixture('containers', 'credentials-samples', 'multi-token.writable.bin');
    const p = readFixture('containers', 'credentials-samples', 'multi-token.protobuf.bin');
    const fromW = Credentials.parse(w);
    const fromP = Credentials.parse(p);
    expect(actual(fromP)).toEqual(actual(fromW));
    expect(fromP.serialize('writable').equals(w)).toBe(true);
    expect(fromW.serialize('protobuf').equals(p)).toBe(true);
    expect(fromW.serialize().equals(w)).toBe(true); // WRITABLE is the default, as in Hadoop
  });

  it('tokens convert to the URL string form Hadoop printed, and back', () => {
    let checked = 0;
    for (const [file, expected] of dump) {
      const creds = Credentials.parse(readFixture('containers', file));
      for (const t of expected.tokens) {
        const token = creds.tokens.get(t.alias)!;
        expect(encodeTokenToUrlString(token)).toBe(t.url);
        expect(decodeTokenFromUrlString(t.url!)).toEqual(token);
        checked++;
      }
    }
    expect(checked).toBe(8);
  });

  it('findToken finds by kind and by kind + service', () => {
    const creds = Credentials.parse(readFixture('containers', 'credentials-samples', 'multi-token.writable.bin'));
    expect(creds.findToken('YARN_AM_RM_TOKEN')?.password.toString('hex')).toBe('50bab4ebea8e3b30350ebd3a784fa7a02a3b7c31');
    expect(creds.findToken('RM_DELEGATION_TOKEN', '127.0.0.1:8032')?.kind).toBe('RM_DELEGATION_TOKEN');
    expect(creds.findToken('RM_DELEGATION_TOKEN', '127.0.0.1:9999')).toBeUndefined();
    expect(creds.findToken('NMToken')).toBeUndefined();
  });
});

describe('Credentials file: AM restart and running-container copies', () => {
  for (const dir of ['am-restart', 'am-restart/capture-_0013']) {
    for (const attempt of [1, 2]) {
      it(`${dir} attempt ${attempt}: the AMRMToken the AM logged, byte-identical round trip`, () => {
        const bytes = readFixture(dir, `am-attempt${attempt}-container_tokens.bin`);
        const creds = Credentials.parse(bytes);
        expect(actual(creds)).toEqual({ tokens: [loadAmRestartTokens(dir, attempt)], secrets: [] });
        expect(creds.serialize().equals(bytes)).toBe(true);
      });
    }
  }

  it('kept task containers got the 7-byte empty file', () => {
    for (const c of ['c2', 'c3']) {
      const bytes = readFixture('am-restart', `task-${c}-container_tokens.bin`);
      const creds = Credentials.parse(bytes);
      expect(creds.tokens.size + creds.secrets.size).toBe(0);
      expect(creds.serialize().toString('hex')).toBe('48445453000000');
    }
  });

  it('files copied from a running container hold one AMRMToken with empty alias and service', () => {
    const dir = fixturePath('containers', 'distributedshell-sleep60');
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files.length).toBe(2);
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      const creds = Credentials.parse(bytes, f);
      expect([...creds.tokens.keys()]).toEqual(['']);
      const t = creds.tokens.get('')!;
      expect([t.kind, t.service, t.identifier.length, t.password.length]).toEqual(['YARN_AM_RM_TOKEN', '', 26, 20]);
      expect(creds.serialize().equals(bytes)).toBe(true);
    }
  });
});

describe('Credentials file: bad input', () => {
  const good = readFixture('containers', 'credentials-samples', 'multi-token.writable.bin');
  const goodProto = readFixture('containers', 'credentials-samples', 'multi-token.protobuf.bin');

  it('names the file and the problem', () => {
    expect(() => Credentials.parse(Buffer.from('PK\x03\x04xxxx', 'latin1'), '/x/tokens')).toThrow(
      '/x/tokens: not a Hadoop credentials file: expected magic HDTS',
    );
    expect(() => Credentials.parse(Buffer.from('HDTS\x07', 'latin1'), 'f')).toThrow(/f: unknown format byte 7/);
    expect(() => Credentials.parse(Buffer.from('HDT', 'latin1'), 'f')).toThrow(/f: truncated/);
    expect(() => Credentials.parse(Buffer.alloc(0), 'f')).toThrow(/f: truncated/);
  });

  it('every truncation of a real file is a CodecError that says truncated', () => {
    for (const sample of [good, goodProto]) {
      // Every prefix of a real file stops inside some field, so each cut must be reported.
      for (let n = 0; n < sample.length; n++) {
        let err: unknown;
        try {
          Credentials.parse(sample.subarray(0, n), 'cut.bin');
        } catch (e) {
          err = e;
        }
        expect(err, `cut at ${n}`).toBeInstanceOf(CodecError);
        expect((err as Error).message).toMatch(/^cut\.bin: .*truncated|^cut\.bin: .*impossible/);
      }
    }
  });

  it('random byte flips never throw anything but CodecError', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 3000; i++) {
      const src = i % 2 ? good : goodProto;
      const b = Buffer.from(src);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) b[5 + Math.floor(rand() * (b.length - 5))] = Math.floor(rand() * 256);
      try {
        Credentials.parse(b);
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
      }
    }
  });

  it('readFile names a missing file and the environment variable', () => {
    expect(() => Credentials.readFile('/nonexistent/container_tokens')).toThrow(
      /cannot read Hadoop credentials file \/nonexistent\/container_tokens: .*HADOOP_TOKEN_FILE_LOCATION/,
    );
  });

  it('writeFile + readFile + readFromEnvironment round trip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-creds-'));
    try {
      const path = join(dir, 'container_tokens');
      Credentials.parse(goodProto).writeFile(path, 'protobuf');
      expect(readFileSync(path).equals(goodProto)).toBe(true);
      const back = Credentials.readFromEnvironment({ HADOOP_TOKEN_FILE_LOCATION: path });
      expect(back.serialize().equals(good)).toBe(true);
      expect(Credentials.readFromEnvironment({}).tokens.size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
