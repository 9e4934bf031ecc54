import { describe, expect, it } from 'vitest';
import { hadoopRetryOf } from '../../../client/errors/hadoop-retryable-exceptions.js';
import { isRetryable, LoomError } from '../../../client/errors/loom-error.js';
import { RemoteException } from '../../../client/wire/ipc/remote-exception.js';
import { remoteErrorFor, WebHdfsConnectionError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';
import { IpcConnectFailedError, IpcConnectionError } from '../../../client/wire/ipc/ipc-errors.js';

const remote = (className: string) => new RemoteException({ className, remoteMessage: 'm', status: 'ERROR' });

describe("retryability from Hadoop's exception classes", () => {
  it('StandbyException and ObserverRetryOnActiveException fail over; RetriableException and SafeModeException retry the same server', () => {
    expect(hadoopRetryOf('org.apache.hadoop.ipc.StandbyException')).toBe('failover');
    expect(hadoopRetryOf('org.apache.hadoop.ipc.ObserverRetryOnActiveException')).toBe('failover');
    expect(hadoopRetryOf('org.apache.hadoop.ipc.RetriableException')).toBe('same-server');
    expect(hadoopRetryOf('org.apache.hadoop.hdfs.server.namenode.SafeModeException')).toBe('same-server');
    expect(hadoopRetryOf('StandbyException')).toBe('failover');
    expect(hadoopRetryOf('org.apache.hadoop.security.token.SecretManager$InvalidToken')).toBeUndefined();
    expect(hadoopRetryOf('org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException')).toBeUndefined();
    expect(hadoopRetryOf('com.example.StandbyException')).toBeUndefined();
  });

  it('an IPC RemoteException is a LoomError that keeps its Java class name and takes `retryable` from it', () => {
    const standby = remote('org.apache.hadoop.ipc.StandbyException');
    expect(standby).toBeInstanceOf(LoomError);
    expect(standby.code).toBe('HADOOP_REMOTE_EXCEPTION');
    expect(standby.className).toBe('org.apache.hadoop.ipc.StandbyException');
    expect([standby.retryable, standby.hadoopRetry]).toEqual([true, 'failover']);
    expect(isRetryable(remote('org.apache.hadoop.ipc.RetriableException'))).toBe(true);
    expect(isRetryable(remote('org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException'))).toBe(false);
  });

  it('a WebHDFS RemoteException the same way, by its exception name', () => {
    const body = (exception: string) => ({ exception, javaClassName: `org.apache.hadoop.ipc.${exception}`, message: 'm' });
    const observer = remoteErrorFor(body('ObserverRetryOnActiveException'), 403, 'GETFILESTATUS /a');
    expect([observer.retryable, observer.hadoopRetry]).toEqual([true, 'failover']);
    expect(remoteErrorFor(body('RetriableException'), 403, 'X /').hadoopRetry).toBe('same-server');
    expect(remoteErrorFor(body('FileNotFoundException'), 404, 'X /').retryable).toBe(false);
  });

  it('a connection that never opened is retryable; one that broke after the request was sent is not', () => {
    expect(new IpcConnectFailedError('refused').retryable).toBe(true);
    expect(new IpcConnectionError('reset').retryable).toBe(false);
    expect(new WebHdfsConnectionError('refused', true).retryable).toBe(true);
    expect(new WebHdfsConnectionError('reset', false).retryable).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});
