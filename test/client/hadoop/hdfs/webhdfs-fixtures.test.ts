import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { WebHdfsClient, type WebHdfsClientOptions } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import {
  AccessControlError,
  DirectoryNotEmptyError,
  FileAlreadyExistsError,
  FileNotFoundError,
  IllegalArgumentError,
  UnsupportedOperationError,
  WebHdfsOperationFailedError,
  WebHdfsRemoteError,
  remoteErrorFor,
} from '../../../../client/hadoop/hdfs/webhdfs-errors.js';
import { parseLocationAnswer, parseRemoteException } from '../../../../client/hadoop/hdfs/webhdfs-json.js';
import { FixtureReplayServer, recordedRequestBody, webHdfsFixture, type WebHdfsExchangeFixture } from './fixture-replay-server.js';

let server: FixtureReplayServer;
let clients: WebHdfsClient[] = [];

beforeEach(async () => {
  server = await new FixtureReplayServer().start();
});
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server.stop();
});

function client(opts: Partial<WebHdfsClientOptions> = {}): WebHdfsClient {
  const c = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.port }],
    user: 'root',
    retry: { maxAttempts: 1 },
    ...opts,
  });
  clients.push(c);
  return c;
}

/** Runs `action` against the queued recordings and checks every request against its recording. */
async function replay<T>(files: string[], action: () => Promise<T>): Promise<{ result: T; fixtures: WebHdfsExchangeFixture[] }> {
  const fixtures = server.expect(...files);
  const result = await action();
  expectRecordedRequests(fixtures);
  return { result, fixtures };
}

async function replayError(files: string[], action: () => Promise<unknown>): Promise<unknown> {
  const fixtures = server.expect(...files);
  const err = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the operation should have failed').toBeDefined();
  expectRecordedRequests(fixtures);
  return err;
}

function expectRecordedRequests(fixtures: WebHdfsExchangeFixture[]): void {
  expect(server.pending).toBe(0);
  expect(server.received).toHaveLength(fixtures.length);
  fixtures.forEach((fx, i) => {
    const [method, target] = fx.request.request_line.split(' ');
    const got = server.received[i];
    expect(`${got.method} ${got.target}`, fx.name).toBe(`${method} ${target}`);
    expect(got.body.equals(recordedRequestBody(fx)), `${fx.name}: body`).toBe(true);
    if (fx.request.body) expect(got.headers['content-type']).toBe('application/octet-stream');
  });
  server.received.length = 0;
}

function bodyJson(file: string): any {
  return webHdfsFixture(file).response.body_json;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function expectRemote(err: unknown, type: new (...a: any[]) => WebHdfsRemoteError, file: string): void {
  const recorded = bodyJson(file).RemoteException;
  expect(err).toBeInstanceOf(type);
  const e = err as WebHdfsRemoteError;
  expect(e.exception).toBe(recorded.exception);
  expect(e.javaClassName).toBe(recorded.javaClassName);
  expect(e.remoteMessage).toBe(recorded.message);
  expect(e.httpStatus).toBe(webHdfsFixture(file).response.status);
  expect(e.message).toContain(recorded.message.split('\n')[0]);
}

describe('WebHDFS requests and answers match the Hadoop 3.3.6 recordings', () => {
  it('GETHOMEDIRECTORY with and without user.name', async () => {
    expect((await replay(['01-GETHOMEDIRECTORY.json'], () => client().getHomeDirectory())).result).toBe(
      bodyJson('01-GETHOMEDIRECTORY.json').Path,
    );
    const anon = client({ user: undefined });
    expect((await replay(['02-GETHOMEDIRECTORY-no-user.json'], () => anon.getHomeDirectory())).result).toBe('/user/root');
  });

  it('DELETE recursive, MKDIRS with permission', async () => {
    expect((await replay(['03-DELETE-cleanup.json'], () => client().delete('/fixtures', { recursive: true }))).result).toBe(true);
    await replay(['04-MKDIRS.json'], () => client().mkdirs('/fixtures/dir1', { permission: '755' }));
    await replay(['37-MKDIRS-protected.json'], () => client().mkdirs('/fixtures/protected', { permission: 0o755 }));
  });

  it('CREATE: empty NameNode step, then the body to the DataNode Location verbatim (through its 100 Continue)', async () => {
    const body = recordedRequestBody(webHdfsFixture('06-CREATE-step2-datanode.json'));
    await replay(['05-CREATE-step1-namenode.json', '06-CREATE-step2-datanode.json'], () =>
      client().create('/fixtures/dir1/file1.txt', body),
    );
  });

  it('CREATE with overwrite, permission, replication, block size and buffer size, streamed body', async () => {
    const body = recordedRequestBody(webHdfsFixture('08-CREATE-params-step2-datanode.json'));
    let progress = 0;
    await replay(['07-CREATE-params-step1-namenode.json', '08-CREATE-params-step2-datanode.json'], () =>
      client().create('/fixtures/dir1/file2.bin', Readable.from([body.subarray(0, 1000), body.subarray(1000)]), {
        overwrite: true,
        permission: '644',
        replication: 1,
        blockSize: 1048576,
        bufferSize: 4096,
        contentLength: body.length,
        onProgress: (n) => (progress = n),
      }),
    );
    expect(progress).toBe(65536);
  });

  it('APPEND: POST to the NameNode, 307, POST the bytes to the DataNode', async () => {
    const body = recordedRequestBody(webHdfsFixture('11-APPEND-step2-datanode.json'));
    await replay(['10-APPEND-step1-namenode.json', '11-APPEND-step2-datanode.json'], () =>
      client().append('/fixtures/dir1/file1.txt', body),
    );
  });

  it('OPEN whole file and with offset/length', async () => {
    const whole = await replay(['12-OPEN-step1-namenode.json', '13-OPEN-step2-datanode.json'], async () =>
      readAll(await client().open('/fixtures/dir1/file1.txt')),
    );
    expect(whole.result.toString()).toBe(webHdfsFixture('13-OPEN-step2-datanode.json').response.body!.text);
    const range = await replay(['14-OPEN-range-step1-namenode.json', '15-OPEN-range-step2-datanode.json'], async () =>
      readAll(await client().open('/fixtures/dir1/file1.txt', { offset: 6, length: 7 })),
    );
    expect(range.result.toString()).toBe('webhdfs');
  });

  it('noredirect answers carry the DataNode URL', () => {
    for (const f of ['09-CREATE-noredirect.json', '16-OPEN-noredirect.json']) {
      expect(parseLocationAnswer(bodyJson(f))).toBe(bodyJson(f).Location);
    }
  });

  it('GETFILESTATUS of a file, a directory, and after SETPERMISSION/SETTIMES', async () => {
    for (const [file, path] of [
      ['17-GETFILESTATUS-file.json', '/fixtures/dir1/file1.txt'],
      ['18-GETFILESTATUS-dir.json', '/fixtures/dir1'],
      ['28-GETFILESTATUS-after-setpermission-settimes.json', '/fixtures/dir1/file1.txt'],
    ] as const) {
      expect((await replay([file], () => client().getFileStatus(path))).result).toEqual(bodyJson(file).FileStatus);
    }
  });

  it('LISTSTATUS of a directory and of a file', async () => {
    const dir = await replay(['19-LISTSTATUS.json'], () => client().listStatus('/fixtures/dir1'));
    expect(dir.result).toEqual(bodyJson('19-LISTSTATUS.json').FileStatuses.FileStatus);
    expect(dir.result.map((s) => s.pathSuffix)).toEqual(['file1.txt', 'file2.bin']);
    const file = await replay(['20-LISTSTATUS-file.json'], () => client().listStatus('/fixtures/dir1/file1.txt'));
    expect(file.result).toEqual(bodyJson('20-LISTSTATUS-file.json').FileStatuses.FileStatus);
  });

  it('LISTSTATUS_BATCH: one page, and paging with startAfter', async () => {
    const collect = async (path: string) => {
      const out = [];
      for await (const s of client().listStatusIterator(path)) out.push(s);
      return out;
    };
    const one = await replay(['21-LISTSTATUS_BATCH.json'], () => collect('/fixtures/dir1'));
    expect(one.result).toEqual(bodyJson('21-LISTSTATUS_BATCH.json').DirectoryListing.partialListing.FileStatuses.FileStatus);

    // A first page that says one entry remains (as a NameNode with dfs.ls.limit=1 would), then the recorded startAfter page.
    const firstEntry = bodyJson('21-LISTSTATUS_BATCH.json').DirectoryListing.partialListing.FileStatuses.FileStatus[0];
    const page = JSON.stringify({
      DirectoryListing: { partialListing: { FileStatuses: { FileStatus: [firstEntry] } }, remainingEntries: 1 },
    });
    server.expectRaw(
      'page1',
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(page)}\r\n\r\n${page}`),
    );
    const fixtures = server.expect('22-LISTSTATUS_BATCH-startAfter.json');
    const names = (await collect('/fixtures/dir1')).map((s) => s.pathSuffix);
    expect(names).toEqual(['file1.txt', 'file2.bin']);
    expect(server.received[0].target).toBe(webHdfsFixture('21-LISTSTATUS_BATCH.json').request.request_line.split(' ')[1]);
    server.received.shift();
    expectRecordedRequests(fixtures);
  });

  it('GETCONTENTSUMMARY', async () => {
    const { result } = await replay(['23-GETCONTENTSUMMARY.json'], () => client().getContentSummary('/fixtures'));
    expect(result).toEqual(bodyJson('23-GETCONTENTSUMMARY.json').ContentSummary);
  });

  it('GETFILECHECKSUM follows the redirect to the DataNode', async () => {
    const { result } = await replay(['24-GETFILECHECKSUM-step1-namenode.json', '25-GETFILECHECKSUM-step2-datanode.json'], () =>
      client().getFileChecksum('/fixtures/dir1/file2.bin'),
    );
    expect(result).toEqual(bodyJson('25-GETFILECHECKSUM-step2-datanode.json').FileChecksum);
    expect(result.algorithm).toBe('MD5-of-0MD5-of-512CRC32C');
  });

  it('SETPERMISSION and SETTIMES (200, empty body)', async () => {
    await replay(['26-SETPERMISSION.json'], () => client().setPermission('/fixtures/dir1/file1.txt', '600'));
    await replay(['27-SETTIMES.json'], () =>
      client().setTimes('/fixtures/dir1/file1.txt', { modificationTime: 1700000000000, accessTime: 1700000001000 }),
    );
  });

  it('RENAME: true is success, {"boolean": false} is an error', async () => {
    await replay(['29-RENAME.json'], () => client().rename('/fixtures/dir1/file1.txt', '/fixtures/dir1/renamed.txt'));
    const err = await replayError(['30-RENAME-missing-source.json'], () =>
      client().rename('/fixtures/dir1/nope.txt', '/fixtures/dir1/x.txt'),
    );
    expect(err).toBeInstanceOf(WebHdfsOperationFailedError);
    expect((err as Error).message).toMatch(/RENAME \/fixtures\/dir1\/nope.txt -> \/fixtures\/dir1\/x.txt failed/);
  });

  it('DELETE: true, and {"boolean": false} is an error unless missing paths are allowed', async () => {
    expect((await replay(['31-DELETE-file.json'], () => client().delete('/fixtures/dir1/renamed.txt'))).result).toBe(true);
    const err = await replayError(['32-DELETE-missing.json'], () => client().delete('/fixtures/dir1/renamed.txt'));
    expect(err).toBeInstanceOf(WebHdfsOperationFailedError);
    expect(
      (await replay(['32-DELETE-missing.json'], () => client().delete('/fixtures/dir1/renamed.txt', { ignoreMissing: true }))).result,
    ).toBe(false);
  });

  it('GETDELEGATIONTOKEN on a SIMPLE cluster answers null', async () => {
    expect((await replay(['33-GETDELEGATIONTOKEN.json'], () => client().getDelegationToken('root'))).result).toBeNull();
  });

  it('missing files: typed FileNotFoundError keeping class name, message and status', async () => {
    expectRemote(
      await replayError(['34-ERR-GETFILESTATUS-missing.json'], () => client().getFileStatus('/fixtures/no/such/file')),
      FileNotFoundError,
      '34-ERR-GETFILESTATUS-missing.json',
    );
    expectRemote(
      await replayError(['35-ERR-OPEN-missing.json'], () => client().open('/fixtures/no/such/file')),
      FileNotFoundError,
      '35-ERR-OPEN-missing.json',
    );
    expectRemote(
      await replayError(['36-ERR-LISTSTATUS-missing.json'], () => client().listStatus('/fixtures/no/such/dir')),
      FileNotFoundError,
      '36-ERR-LISTSTATUS-missing.json',
    );
    expectRemote(
      await replayError(['50-ERR-APPEND-missing.json'], () => client().append('/fixtures/dir1/missing.txt', Buffer.from('x'))),
      FileNotFoundError,
      '50-ERR-APPEND-missing.json',
    );
  });

  it('permission denied at the NameNode (MKDIRS) and at the DataNode step (CREATE)', async () => {
    const alice = client({ user: 'alice' });
    expectRemote(
      await replayError(['38-ERR-MKDIRS-permission-denied.json'], () => alice.mkdirs('/fixtures/protected/sub')),
      AccessControlError,
      '38-ERR-MKDIRS-permission-denied.json',
    );
    const err = await replayError(['39-ERR-CREATE-permission-denied-step1.json', '40-ERR-CREATE-permission-denied-step2.json'], () =>
      alice.create('/fixtures/protected/f.txt', recordedRequestBody(webHdfsFixture('40-ERR-CREATE-permission-denied-step2.json'))),
    );
    expectRemote(err, AccessControlError, '40-ERR-CREATE-permission-denied-step2.json');
    // The person sees the first line only, not the DataNode's stack trace.
    expect((err as Error).message).not.toContain('\tat ');
  });

  it('CREATE over an existing file without overwrite: FileAlreadyExistsError from the DataNode', async () => {
    const err = await replayError(['41-ERR-CREATE-exists-step1.json', '42-ERR-CREATE-exists-step2.json'], () =>
      client().create('/fixtures/dir1/file2.bin', recordedRequestBody(webHdfsFixture('42-ERR-CREATE-exists-step2.json')), {
        overwrite: false,
      }),
    );
    expectRemote(err, FileAlreadyExistsError, '42-ERR-CREATE-exists-step2.json');
  });

  it('bad parameter values come back as IllegalArgumentError', async () => {
    expectRemote(
      await replayError(['46-ERR-bad-offset-value.json'], () => client().open('/fixtures/dir1/file2.bin', { offset: -5 })),
      IllegalArgumentError,
      '46-ERR-bad-offset-value.json',
    );
  });

  it('non-recursive DELETE of a non-empty directory: DirectoryNotEmptyError', async () => {
    expectRemote(
      await replayError(['48-ERR-DELETE-nonempty-nonrecursive.json'], () => client().delete('/fixtures/dir1')),
      DirectoryNotEmptyError,
      '48-ERR-DELETE-nonempty-nonrecursive.json',
    );
  });

  it('every recorded error body parses into its typed error', () => {
    const expected: Record<string, new (...a: any[]) => WebHdfsRemoteError> = {
      '43-ERR-bad-op.json': IllegalArgumentError,
      '44-ERR-bad-op-method.json': IllegalArgumentError,
      '45-ERR-bad-permission-value.json': IllegalArgumentError,
      '47-ERR-bad-boolean-value.json': IllegalArgumentError,
      '49-ERR-no-op.json': UnsupportedOperationError,
    };
    for (const [file, type] of Object.entries(expected)) {
      const fx = webHdfsFixture(file);
      const err = remoteErrorFor(parseRemoteException(fx.response.body_json)!, fx.response.status, 'X /');
      expectRemote(err, type, file);
    }
  });

  it('client-side checks refuse values the NameNode would reject', async () => {
    await expect(client().setPermission('/x', '999')).rejects.toThrow(/not an octal mode/);
    expect(server.received).toHaveLength(0);
  });
});
