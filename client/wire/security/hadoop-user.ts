/**
 * The user a Loom process acts as under SIMPLE authentication (no Kerberos), resolved in one place.
 *
 * A client follows Hadoop's UserGroupInformation (HadoopLoginModule.commit, Hadoop 3.3): the
 * HADOOP_USER_NAME environment variable, then the Java system property of that name (nothing in
 * Node stands for it), then the operating-system user.
 *
 * Inside a container, HADOOP_USER_NAME is what Loom's client sets for its AM and the AM for its
 * TaskExecutors; without it, the NodeManager's USER names the application's user
 * (ContainerLaunch.sanitizeEnv sets USER to the container's user; MRAppMaster and YarnChild read
 * it the same way), which differs from the OS user under the DefaultContainerExecutor.
 *
 * Unlike Hadoop, an empty or blank value counts as unset (Hadoop would log in as the user "" and
 * fail later), and a value is used without surrounding blanks.
 */
import { userInfo } from 'node:os';

type Env = Readonly<Record<string, string | undefined>>;

/** Hadoop's environment variable (UserGroupInformation.HADOOP_USER_NAME). */
export const HADOOP_USER_NAME = 'HADOOP_USER_NAME';

/** The user of a client process: HADOOP_USER_NAME, else the OS user. */
export function hadoopUser(env: Env = process.env, osUser: () => string = () => userInfo().username): string {
  return setValue(env[HADOOP_USER_NAME]) ?? osUser();
}

/** The user of a process YARN started: HADOOP_USER_NAME, else the NodeManager's USER; undefined when neither is set. */
export function containerUser(env: Env = process.env): string | undefined {
  return setValue(env[HADOOP_USER_NAME]) ?? setValue(env.USER);
}

function setValue(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}
