/**
 * Which of Hadoop's exceptions a server sends back say "the call did nothing, make it again", as
 * Hadoop's clients treat them, keyed by Java class name (the IPC header's exceptionClassName,
 * WebHDFS's javaClassName). Read by RemoteException (client/wire/ipc) and WebHdfsRemoteError
 * (client/hadoop/hdfs) for their `retryable`.
 *
 * - `failover`: the server is not the active one (RetryPolicies.FailoverOnNetworkExceptionRetry:
 *   StandbyException and its subclass ObserverRetryOnActiveException -> FAILOVER_AND_RETRY): the
 *   call goes to the next server of an HA pair.
 * - `same-server`: the server asks to be called again later (RetriableException -> RETRY).
 *   SafeModeException too: the NameNode wraps it in a RetriableException while an HA NameNode
 *   starts up (FSNamesystem.newSafemodeException), and Hadoop's HDFS clients retry it unwrapped
 *   when their retry policy is on (RetryUtils.getDefaultRetryPolicy with SafeModeException as the
 *   remote exception to retry, in DFSClient and WebHdfsFileSystem).
 *
 * Every other class is not retryable (InvalidToken, AccessControlException, YARN's exceptions...).
 */
export type HadoopRetry = 'failover' | 'same-server';

export const HADOOP_RETRYABLE_EXCEPTIONS: Readonly<Partial<Record<string, HadoopRetry>>> = {
  'org.apache.hadoop.ipc.StandbyException': 'failover',
  'org.apache.hadoop.ipc.ObserverRetryOnActiveException': 'failover',
  'org.apache.hadoop.ipc.RetriableException': 'same-server',
  'org.apache.hadoop.hdfs.server.namenode.SafeModeException': 'same-server',
};

/**
 * How Hadoop retries the exception of Java class `className` (qualified, or the simple name some
 * servers send alone), or undefined when it does not.
 */
export function hadoopRetryOf(className: string): HadoopRetry | undefined {
  const exact = HADOOP_RETRYABLE_EXCEPTIONS[className];
  if (exact !== undefined || className.includes('.')) return exact;
  return Object.entries(HADOOP_RETRYABLE_EXCEPTIONS).find(([qualified]) => qualified.endsWith(`.${className}`))?.[1];
}
