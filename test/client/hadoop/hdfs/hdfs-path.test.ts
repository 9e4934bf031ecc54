import { describe, expect, it } from 'vitest';
import {
  HdfsPathError,
  encodePathSegment,
  parseHdfsPath,
  resolveHdfsPath,
  webHdfsUrlPath,
} from '../../../../client/hadoop/hdfs/hdfs-path.js';

describe('HDFS paths', () => {
  it('parses URIs and bare paths, normalising . and .. and duplicate slashes', () => {
    expect(parseHdfsPath('hdfs://mycluster/user/root/a.txt')).toEqual({ scheme: 'hdfs', authority: 'mycluster', path: '/user/root/a.txt' });
    expect(parseHdfsPath('webhdfs://127.0.0.1:9870/x//y/./z/')).toEqual({ scheme: 'webhdfs', authority: '127.0.0.1:9870', path: '/x/y/z' });
    expect(parseHdfsPath('hdfs:///tmp')).toEqual({ scheme: 'hdfs', path: '/tmp' });
    expect(parseHdfsPath('hdfs://nn:8020')).toEqual({ scheme: 'hdfs', authority: 'nn:8020', path: '/' });
    expect(resolveHdfsPath('/a/b/../c')).toBe('/a/c');
    expect(resolveHdfsPath('jobs/x.js', '/user/alice')).toBe('/user/alice/jobs/x.js');
    expect(resolveHdfsPath('../bob/f', '/user/alice')).toBe('/user/bob/f');
    expect(resolveHdfsPath('hdfs://nn/dir%20with%20space')).toBe('/dir with space');
  });

  it('rejects empty paths, escapes above the root and unknown schemes with clear messages', () => {
    expect(() => resolveHdfsPath('')).toThrow(HdfsPathError);
    expect(() => resolveHdfsPath('')).toThrow(/empty HDFS path/);
    expect(() => resolveHdfsPath('/a/../../etc')).toThrow(/climbs above the root/);
    expect(() => resolveHdfsPath('../../../x', '/user/alice')).toThrow(/climbs above the root/);
    expect(() => resolveHdfsPath('s3a://bucket/x')).toThrow(/unsupported file system scheme "s3a:"/);
  });

  it('encodes segments for the URL path as java.net.URI would', () => {
    expect(webHdfsUrlPath('/')).toBe('/webhdfs/v1/');
    expect(webHdfsUrlPath('/fixtures/dir1/file1.txt')).toBe('/webhdfs/v1/fixtures/dir1/file1.txt');
    expect(encodePathSegment('a b#c?d%e;f')).toBe('a%20b%23c%3Fd%25e%3Bf');
    expect(encodePathSegment('x=1,y:@')).toBe('x=1,y:@');
    expect(encodePathSegment('é')).toBe('%C3%A9');
  });
});
