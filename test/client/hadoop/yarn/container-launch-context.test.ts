import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../../client/wire/codec/protobuf-codec.js';
import { Credentials } from '../../../../client/wire/security/credentials-file.js';
import { buildContainerLaunchContext, urlProtoFromUri } from '../../../../client/hadoop/yarn/container-launch-context.js';
import { readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { splitFrames } from '../../../support/ipc-frames.js';

const CLC = 'hadoop.yarn.ContainerLaunchContextProto';

/** The ContainerLaunchContextProto bytes inside the recorded AM -> NM startContainers (probe-am, container _000002). */
function recordedLaunchContextBytes(): Buffer {
  const conn = readFixtureJson<IpcConnectionFixture>('ipc', 'probe-am', '06-am-nm-45454-startContainers-c2.json');
  const frames = splitFrames(streamBytes(conn, 'c2s'), 7);
  const call = frames.find((f) => f.messages.length === 3 && f.messages[1].includes(Buffer.from('startContainers')))!;
  const request = decodeMessage('hadoop.yarn.StartContainersRequestProto', call.messages[2]) as any;
  const clc = request.start_container_request[0].container_launch_context;
  // protobufjs re-encodes what it decoded byte for byte; the check below guards that assumption
  const bytes = Buffer.from(encodeMessage(CLC, clc));
  expect(call.messages[2].includes(bytes)).toBe(true);
  return bytes;
}

describe('buildContainerLaunchContext', () => {
  it('builds the same bytes as the recorded Hadoop AM sent for its task container', () => {
    const secrets = new Credentials().addSecret('probe.secret', Buffer.from('s3cr3t'));
    const ours = buildContainerLaunchContext({
      localResources: {
        'resource.txt': {
          uri: 'hdfs://127.0.0.1:9000/user/root/probeam/resource.txt',
          size: 29,
          timestamp: 1795373944042,
          type: 'FILE',
          visibility: 'APPLICATION',
        },
      },
      credentials: secrets,
      environment: { TASK_NAME: 'A', CLASSPATH: './*:{{PWD}}/resource.txt' },
      commands: ['env > <LOG_DIR>/stdout; cat resource.txt >> <LOG_DIR>/stdout; sleep 4; echo done >> <LOG_DIR>/stdout 2><LOG_DIR>/stderr'],
    });
    expect(Buffer.from(encodeMessage(CLC, ours)).toString('hex')).toBe(recordedLaunchContextBytes().toString('hex'));
  });

  it('writes ACLs and service data, and leaves out what was not given', () => {
    const clc = buildContainerLaunchContext({ acls: { view: 'alice,bob ops', modify: ' ' }, serviceData: { shuffle: Buffer.from('x') } });
    const decoded = decodeMessage(CLC, encodeMessage(CLC, clc));
    expect(decoded).toEqual({
      service_data: [{ key: 'shuffle', value: Buffer.from('x') }],
      application_ACLs: [
        { accessType: 'APPACCESS_VIEW_APP', acl: 'alice,bob ops' },
        { accessType: 'APPACCESS_MODIFY_APP', acl: ' ' },
      ],
    });
    expect(buildContainerLaunchContext({})).toEqual({});
  });
});

describe('urlProtoFromUri (Hadoop URL.fromURI)', () => {
  it('splits scheme, host, port and the decoded path; the port is -1 when absent', () => {
    expect(urlProtoFromUri('hdfs://127.0.0.1:9000/user/root/a%20b.jar')).toEqual({
      scheme: 'hdfs',
      host: '127.0.0.1',
      port: 9000,
      file: '/user/root/a b.jar',
    });
    expect(urlProtoFromUri('hdfs://nameservice1/apps/lib')).toEqual({ scheme: 'hdfs', host: 'nameservice1', port: -1, file: '/apps/lib' });
    expect(urlProtoFromUri('file:///tmp/x.txt')).toEqual({ scheme: 'file', port: -1, file: '/tmp/x.txt' });
    expect(urlProtoFromUri('webhdfs://alice@nn:9870/x')).toMatchObject({ userInfo: 'alice', host: 'nn', port: 9870 });
  });

  it('refuses paths without a scheme and names the fix', () => {
    expect(() => urlProtoFromUri('/user/root/x.jar')).toThrow(/is not a URI; give a fully qualified one such as hdfs:\/\//);
    expect(() => urlProtoFromUri('C:/x.jar')).toThrow(/has no scheme/);
    expect(() => buildContainerLaunchContext({ localResources: { a: { uri: 'hdfs://nn/a', size: 1, timestamp: 0 } } })).toThrow(
      /local resource "a": timestamp must be/,
    );
  });
});
