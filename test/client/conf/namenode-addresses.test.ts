import { afterEach, describe, expect, it } from 'vitest';
import { confWith, siteXml, TempConfDirs } from './temp-conf-dir.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { parseHadoopAddress, webHdfsEndpoints } from '../../../client/conf/namenode-addresses.js';

const conf = confWith;
const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

describe('webHdfsEndpoints', () => {
  it('maps webhdfs:// and swebhdfs:// URIs directly, with default ports 9870 / 9871', () => {
    const c = conf({});
    expect(webHdfsEndpoints(c, 'webhdfs://nn.example:50070/user/x')).toEqual([{ scheme: 'http', host: 'nn.example', port: 50070 }]);
    expect(webHdfsEndpoints(c, 'webhdfs://nn.example')).toEqual([{ scheme: 'http', host: 'nn.example', port: 9870 }]);
    expect(webHdfsEndpoints(c, 'SWEBHDFS://nn.example/x')).toEqual([{ scheme: 'https', host: 'nn.example', port: 9871 }]);
    expect(webHdfsEndpoints(c, 'webhdfs://[::1]:9870/')).toEqual([{ scheme: 'http', host: '::1', port: 9870 }]);
  });

  it("maps hdfs://host:rpcPort to the URI's host and the http-address port when that is a wildcard", () => {
    expect(webHdfsEndpoints(conf({}), 'hdfs://nn.example:8020/data')).toEqual([{ scheme: 'http', host: 'nn.example', port: 9870 }]);
    expect(webHdfsEndpoints(conf({ 'dfs.namenode.http-address': '0.0.0.0:50070' }), 'hdfs://nn.example')).toEqual([
      { scheme: 'http', host: 'nn.example', port: 50070 },
    ]);
  });

  it('uses a specific dfs.namenode.http-address as it is, and https-address under HTTPS_ONLY', () => {
    expect(webHdfsEndpoints(conf({ 'dfs.namenode.http-address': 'web.example:1234' }), 'hdfs://nn.example:8020')).toEqual([
      { scheme: 'http', host: 'web.example', port: 1234 },
    ]);
    expect(webHdfsEndpoints(conf({ 'dfs.http.policy': 'HTTPS_ONLY' }), 'hdfs://nn.example:8020')).toEqual([
      { scheme: 'https', host: 'nn.example', port: 9871 },
    ]);
  });

  it('resolves a path, an empty argument and hdfs:///path through fs.defaultFS', () => {
    const c = conf({ 'fs.defaultFS': 'hdfs://nn.example:8020' });
    const expected = [{ scheme: 'http', host: 'nn.example', port: 9870 }];
    expect(webHdfsEndpoints(c)).toEqual(expected);
    expect(webHdfsEndpoints(c, '/user/root/x')).toEqual(expected);
    expect(webHdfsEndpoints(c, 'hdfs:///user/root/x')).toEqual(expected);
    expect(webHdfsEndpoints(conf({ 'fs.defaultFS': 'webhdfs://mini:41234' }), '/x')).toEqual([
      { scheme: 'http', host: 'mini', port: 41234 },
    ]);
  });

  it('resolves an HA nameservice to its NameNodes in dfs.ha.namenodes order', () => {
    const c = conf({
      'fs.defaultFS': 'hdfs://mycluster',
      'dfs.nameservices': 'other,mycluster',
      'dfs.ha.namenodes.mycluster': 'nn2, nn1',
      'dfs.namenode.http-address.mycluster.nn1': 'one.example:9870',
      'dfs.namenode.http-address.mycluster.nn2': 'two.example:19870',
      'dfs.namenode.https-address.mycluster.nn1': 'one.example:9871',
      'dfs.namenode.https-address.mycluster.nn2': 'two.example',
    });
    expect(webHdfsEndpoints(c, '/x')).toEqual([
      { scheme: 'http', host: 'two.example', port: 19870, nnId: 'nn2' },
      { scheme: 'http', host: 'one.example', port: 9870, nnId: 'nn1' },
    ]);
    expect(webHdfsEndpoints(c, 'swebhdfs://mycluster/x')).toEqual([
      { scheme: 'https', host: 'two.example', port: 9871, nnId: 'nn2' },
      { scheme: 'https', host: 'one.example', port: 9871, nnId: 'nn1' },
    ]);
    // With a port, the authority is a host, not the nameservice.
    expect(webHdfsEndpoints(c, 'hdfs://mycluster:8020/x')).toEqual([{ scheme: 'http', host: 'mycluster', port: 9870 }]);
  });

  it('names the missing keys of an HA nameservice', () => {
    const base = { 'dfs.nameservices': 'ns', 'fs.defaultFS': 'hdfs://ns' };
    expect(() => webHdfsEndpoints(conf(base))).toThrow(
      /^nameservice ns \(in dfs\.nameservices\) has no NameNodes: set dfs\.ha\.namenodes\.ns/,
    );
    expect(() => webHdfsEndpoints(conf({ ...base, 'dfs.ha.namenodes.ns': 'a,b', 'dfs.namenode.http-address.ns.a': 'h:1' }))).toThrow(
      'NameNode b of nameservice ns (listed in dfs.ha.namenodes.ns) has no HTTP address: set dfs.namenode.http-address.ns.b',
    );
    expect(webHdfsEndpoints(conf({ ...base, 'dfs.namenode.http-address.ns': 'fed.example:9870' }))).toEqual([
      { scheme: 'http', host: 'fed.example', port: 9870 },
    ]);
  });

  it('explains a file:/// default file system and other unusable URIs', () => {
    const dir = dirs.make({ 'core-site.xml': siteXml({ 'hadoop.tmp.dir': '/tmp/x' }) });
    const loaded = Configuration.load({ env: { HADOOP_CONF_DIR: dir } });
    expect(() => webHdfsEndpoints(loaded, '/x')).toThrow(
      `fs.defaultFS is file:///; set it to an hdfs:// or webhdfs:// URI (HADOOP_CONF_DIR=${dir})`,
    );
    expect(() => webHdfsEndpoints(Configuration.withDefaults({}))).toThrow(
      'fs.defaultFS is file:///; set it to an hdfs:// or webhdfs:// URI (HADOOP_CONF_DIR is not set)',
    );
    expect(() => webHdfsEndpoints(conf({}), 'file:///tmp/x')).toThrow(/local file URI, not HDFS/);
    expect(() => webHdfsEndpoints(conf({}), 's3a://bucket/x')).toThrow(
      's3a://bucket/x: scheme "s3a" is not served by WebHDFS; use hdfs://, webhdfs:// or swebhdfs://',
    );
    expect(() => webHdfsEndpoints(conf({ 'fs.defaultFS': 'file:///' }), 'hdfs:///x')).toThrow(/names no NameNode host/);
  });
});

describe('parseHadoopAddress', () => {
  it('reads host, host:port, [IPv6]:port and scheme://host:port/path', () => {
    expect(parseHadoopAddress('nn.example:8020', 1)).toEqual({ host: 'nn.example', port: 8020 });
    expect(parseHadoopAddress(' nn.example ', 8020)).toEqual({ host: 'nn.example', port: 8020 });
    expect(parseHadoopAddress('[::1]:8020', 1)).toEqual({ host: '::1', port: 8020 });
    expect(parseHadoopAddress('[fe80::1]', 9000)).toEqual({ host: 'fe80::1', port: 9000 });
    expect(parseHadoopAddress('hdfs://nn.example:9000/some/path', 1)).toEqual({ host: 'nn.example', port: 9000 });
  });

  it('gives clear errors', () => {
    expect(() => parseHadoopAddress('', 1, 'some.key')).toThrow('some.key="" is not a valid host:port address: it is empty');
    expect(() => parseHadoopAddress('::1', 1)).toThrow('an IPv6 address needs brackets, e.g. [::1]:8020');
    expect(() => parseHadoopAddress('[::1', 1)).toThrow('"[" without a closing "]"');
    expect(() => parseHadoopAddress('h:port', 1)).toThrow('port "port" is not a number from 0 to 65535');
    expect(() => parseHadoopAddress('h:', 1)).toThrow('port "" is not a number');
    expect(() => parseHadoopAddress(':80', 1)).toThrow('the host name is missing');
    expect(() => parseHadoopAddress('[::1]x', 1)).toThrow('unexpected "x" after the IPv6 address');
  });
});
