/**
 * The CLIs' bad-input suite as data (issue 13, "Must show"): every command and sub-command of
 * `loom` and `yarn-session` with missing, malformed and out-of-range arguments, unknown options,
 * extra positional arguments, a dead ResourceManager, a dead NameNode and no configuration.
 * bad-input.test.ts runs each case as a real process and checks the expectation.
 *
 * Argument tokens the runner fills in: `{dead}` a closed port on 127.0.0.1, `{missingDir}` a
 * directory that does not exist, `{emptyDir}` an existing empty directory. The working directory
 * holds `prog.mjs` (a program bundle) and `data.txt`.
 *
 * `owner` marks cases another helper of issue 13 makes pass (the item number); they run like
 * every other case and fail until that item is merged.
 */

/**
 * Where a case runs (each with HOME, TMPDIR and the working directory in a fresh temp dir):
 * - offline: HADOOP_CONF_DIR names a ResourceManager and a NameNode on a closed port, with
 *   Hadoop's default (long) retry bounds. A case that touches the network before refusing its
 *   arguments would sit in retries until the 15 s bound kills it: so these cases also prove that
 *   bad arguments are refused before any cluster work.
 * - no-conf: no HADOOP_CONF_DIR, YARN_CONF_DIR, HADOOP_HOME or LOOM_CONF_DIR at all.
 * - cluster: the shared mini cluster's HADOOP_CONF_DIR (and a loom.yaml fit for it).
 * - dead-rm / dead-nn: the mini cluster's configuration with the ResourceManager's client
 *   address, or the NameNode's address, moved to a closed port.
 * - conf-dir-missing / conf-dir-empty: HADOOP_CONF_DIR names a directory that does not exist,
 *   or one without site files.
 */
export type Setup = 'offline' | 'no-conf' | 'cluster' | 'dead-rm' | 'dead-nn' | 'conf-dir-missing' | 'conf-dir-empty';

/** Items of issue 13 that other helpers own (retry lines item 4, -jm minimum item 6, ...). */
export type Owner = 'item-3' | 'item-4' | 'item-6' | 'item-7' | 'item-8' | 'item-9' | 'item-14';

export type Expectation =
  /**
   * Ends within 15 s, exit code != 0 (`code` when given), nothing on stdout, and stderr is one
   * line: it starts with the command (`loom run:`, `yarn-session:`...), holds no stack frame and
   * no `SomethingError:` prefix, and contains every string of `mentions` (the offending argument
   * or value, and the fix).
   */
  | { kind: 'refused'; mentions: string[]; code?: number }
  /**
   * An unreachable server with small retry bounds: a retry line (the address, the attempt, the
   * setting that bounds the wait) comes first; the command ends within 15 s with exit code != 0;
   * every stderr line but the last is a retry line, the last one names the address.
   */
  | { kind: 'gives-up'; server: 'rm' | 'nn'; setting: string }
  /**
   * An unreachable server with Hadoop's default bounds (minutes): its first retry line (address,
   * attempt, the setting that bounds the wait) is on stderr within 15 s; the runner then stops it.
   */
  | { kind: 'retries'; server: 'rm' | 'nn'; setting: string };

export interface BadInputCase {
  bin: 'loom' | 'yarn-session';
  argv: string[];
  setup: Setup;
  expect: Expectation;
  owner?: Owner;
  /** Why the case matters, when the arguments do not say it. */
  note?: string;
}

const RM_WAIT_KEY = 'yarn.resourcemanager.connect.max-wait.ms';
/** RMProxy's bounds (Hadoop: RMProxy.createRetryPolicy): at most 3 s, one try every 0.5 s. */
const SHORT_RM_WAIT = ['-D', `${RM_WAIT_KEY}=3000`, '-D', 'yarn.resourcemanager.connect.retry-interval.ms=500'];
const NN_ATTEMPTS_KEY = 'dfs.http.client.failover.max.attempts';
/** WebHdfsFileSystem's failover bounds: 3 attempts, short sleeps. */
const SHORT_NN_WAIT = [
  '-D',
  `${NN_ATTEMPTS_KEY}=3`,
  '-D',
  'dfs.http.client.failover.sleep.base.millis=200',
  '-D',
  'dfs.http.client.failover.sleep.max.millis=500',
];

const JOB_ID = '0123456789abcdef0123456789abcdef';
const APP_ID = 'application_1_0001';

const refused = (...mentions: string[]): Expectation => ({ kind: 'refused', mentions });
/** A usage error: exit code 2, as commander's own. */
const usage = (...mentions: string[]): Expectation => ({ kind: 'refused', mentions, code: 2 });
/** `loom fs` answers bad usage as FsShell does: exit -1, i.e. 255. */
const fsUsage = (...mentions: string[]): Expectation => ({ kind: 'refused', mentions, code: 255 });

const loom = (setup: Setup, argv: string[], expect: Expectation, extra: Partial<BadInputCase> = {}): BadInputCase => ({
  bin: 'loom',
  argv,
  setup,
  expect,
  ...extra,
});
const session = (setup: Setup, argv: string[], expect: Expectation, extra: Partial<BadInputCase> = {}): BadInputCase => ({
  bin: 'yarn-session',
  argv,
  setup,
  expect,
  ...extra,
});

export const BAD_INPUT_CASES: BadInputCase[] = [
  // ------------------------------------------------------------------ loom itself
  loom('offline', [], usage('no command', 'loom --help')),
  loom('offline', ['nosuch'], usage("unknown command 'nosuch'", 'loom --help')),
  loom('offline', ['--foo'], usage("unknown option '--foo'", 'loom --help')),

  // ------------------------------------------------------------------ loom run
  loom('offline', ['run'], usage("'bundle'", 'loom run --help')),
  loom('offline', ['run', '--foo', 'prog.mjs'], usage("unknown option '--foo'", 'loom run --help')),
  loom('offline', ['run', '-p', 'abc', 'prog.mjs'], usage('-p "abc"', 'e.g. -p 4')),
  loom('offline', ['run', '-p', '0', 'prog.mjs'], usage('-p "0"', 'e.g. -p 4')),
  loom('offline', ['run', '-p', '-1', 'prog.mjs'], usage('-p "-1"', 'e.g. -p 4')),
  loom('offline', ['run', '-p', '1.5', 'prog.mjs'], usage('-p "1.5"', 'e.g. -p 4')),
  loom('offline', ['run', '-p', '20000', 'prog.mjs'], usage('-p "20000"', '10000'), {
    note: 'the AM refuses parallelism above 10000 (MAX_PARALLELISM) only after the upload',
  }),
  loom('offline', ['run', '-p'], usage('-p', 'loom run --help')),
  loom('offline', ['run', '-c'], usage('-c', 'loom run --help')),
  loom('offline', ['run', '--entry'], usage('--entry', 'loom run --help')),
  loom('offline', ['run', '-t', 'foo', 'prog.mjs'], usage('-t foo', 'yarn-session')),
  loom('offline', ['run', '-t', 'yarn-application', 'prog.mjs'], usage('-t yarn-application', 'loom run-application')),
  loom('offline', ['run', '-t'], usage('-t', 'loom run --help')),
  loom('offline', ['run', '-m', 'foo', 'prog.mjs'], usage('-m foo', 'yarn-cluster')),
  loom('offline', ['run', '-m', 'yarn-cluster', '-t', 'yarn-session', 'prog.mjs'], usage('-t yarn-session', 'keep one')),
  loom('offline', ['run', '-D', 'novalue', 'prog.mjs'], usage('"novalue"', 'key=value')),
  loom('offline', ['run', '-Dnovalue', 'prog.mjs'], usage('novalue', 'key=value')),
  loom('offline', ['run', '-yjm', '1x', 'prog.mjs'], usage('-yjm', '"1x"', 'e.g. 1024m')),
  loom('offline', ['run', '-ytm', 'abc', 'prog.mjs'], usage('-ytm', '"abc"', 'e.g. 1024m')),
  loom('offline', ['run', '-ytm'], usage('-ytm', 'needs a value')),
  loom('offline', ['run', '-ys', '0', 'prog.mjs'], usage('-ys "0"', 'e.g. -ys 2')),
  loom('offline', ['run', '-ys', '99999999999', 'prog.mjs'], usage('-ys "99999999999"', 'e.g. -ys 2')),
  loom('offline', ['run', '-yfoo', '1', 'prog.mjs'], usage('-yfoo', '-yjm')),
  loom('offline', ['run', '-yD', 'novalue', 'prog.mjs'], usage('-yD', 'novalue')),
  loom('offline', ['run', '-yid', 'foo', 'prog.mjs'], usage('-yid', '"foo"', 'application_')),
  loom(
    'offline',
    ['run', '--applicationId', 'application_x_1', '-c', 'f', 'prog.mjs'],
    usage('application_x_1', 'application_<clusterTimestamp>_<sequence>'),
  ),
  loom('offline', ['run', '-d', 'prog.mjs'], usage('-d without -c', 'yarn-per-job')),
  loom('offline', ['run', 'nosuch.mjs'], refused('nosuch.mjs', 'does not exist')),
  loom('offline', ['run', '-c', 'f', 'nosuch.mjs'], refused('nosuch.mjs', 'does not exist'), {
    note: 'the session -c form looked for the session before the bundle',
  }),
  loom('offline', ['run', '-t', 'yarn-per-job', 'nosuch.mjs'], refused('nosuch.mjs', 'does not exist')),
  loom('offline', ['run', '-t', 'yarn-per-job', '-yjm', '0', 'prog.mjs'], usage('-yjm', '"0"'), { owner: 'item-6' }),
  loom('offline', ['run', '-D', 'loom.task.max-attemps=5', 'prog.mjs'], usage('loom.task.max-attemps', 'loom.task.max-attempts'), {
    owner: 'item-7',
  }),

  // ------------------------------------------------------------------ loom run-application
  loom('offline', ['run-application'], usage("'bundle'", 'loom run-application --help')),
  loom('offline', ['run-application', '--foo', 'prog.mjs'], usage("unknown option '--foo'", 'loom run-application --help')),
  loom('offline', ['run-application', '-t', 'yarn-session', 'prog.mjs'], usage('-t yarn-session', 'yarn-application')),
  loom('offline', ['run-application', '-p', 'x', 'prog.mjs'], usage('-p "x"', 'e.g. -p 4')),
  loom('offline', ['run-application', '-c'], usage('-c', 'loom run-application --help')),
  loom('offline', ['run-application', '-D', 'novalue', 'prog.mjs'], usage('"novalue"', 'key=value')),
  loom('offline', ['run-application', '-yid', 'app_1', 'prog.mjs'], usage('-yid', '"app_1"', 'application_')),
  loom('offline', ['run-application', 'nosuch.mjs'], refused('nosuch.mjs', 'does not exist')),
  loom('offline', ['run-application', '-yjm', '1k', 'prog.mjs'], usage('-yjm', '"1k"'), { owner: 'item-6' }),

  // ------------------------------------------------------------------ loom list / cancel / info
  loom('offline', ['list', 'extra'], usage("'extra'", 'loom list --help')),
  loom('offline', ['list', '--foo'], usage("unknown option '--foo'", 'loom list --help')),
  loom('offline', ['list', '-t', 'foo'], usage('-t foo', 'yarn-session')),
  loom('offline', ['list', '-yid', 'foo'], usage('-yid', '"foo"', 'application_')),
  loom('offline', ['list', '-yid'], usage('-yid', 'needs a value')),
  loom('offline', ['list', '-D', 'novalue'], usage('"novalue"', 'key=value')),
  loom('offline', ['cancel'], usage("'jobId'", 'loom cancel --help')),
  loom('offline', ['cancel', 'not-an-id'], usage('not-an-id', '32 hex digits', 'loom list')),
  loom('offline', ['cancel', 'deadbeef'], usage('deadbeef', '32 hex digits', 'loom list'), {
    note: 'issue 13 item 14: answered with the REST route',
  }),
  loom('offline', ['cancel', JOB_ID, 'extra'], usage("'extra'", 'loom cancel --help')),
  loom('offline', ['cancel', '-yid', 'foo', JOB_ID], usage('-yid', '"foo"', 'application_')),
  loom('offline', ['info', 'extra'], usage("'extra'", 'loom info --help')),
  loom('offline', ['info', '--foo'], usage("unknown option '--foo'", 'loom info --help')),
  loom('offline', ['info', '-t', 'foo'], usage('-t foo', 'yarn-application')),
  loom('offline', ['info', '--applicationId', '12345'], usage('"12345"', 'application_')),

  // ------------------------------------------------------------------ loom list-clusters
  loom('offline', ['list-clusters', 'extra'], usage("'extra'", 'loom list-clusters --help')),
  loom('offline', ['list-clusters', '--foo'], usage("unknown option '--foo'", 'loom list-clusters --help')),
  loom('offline', ['list-clusters', '-D', 'novalue'], usage('"novalue"', 'key=value')),

  // ------------------------------------------------------------------ loom upload-runtime
  loom('offline', ['upload-runtime'], usage("'dir'", 'loom upload-runtime --help')),
  loom('offline', ['upload-runtime', '/a', '/b'], usage("'/b'", 'loom upload-runtime --help')),
  loom('offline', ['upload-runtime', '--node'], usage('--node', 'loom upload-runtime --help')),
  loom('offline', ['upload-runtime', '--foo', '/a'], usage("unknown option '--foo'", 'loom upload-runtime --help')),
  loom('offline', ['upload-runtime', '/loom', '--node', '{missingDir}/node'], refused('{missingDir}/node'), {
    note: 'the home directory was asked of the NameNode before the local binary was looked at',
  }),
  loom('offline', ['upload-runtime', '-D', 'novalue', '/loom'], usage('"novalue"', 'key=value')),

  // ------------------------------------------------------------------ loom minicluster
  loom('offline', ['minicluster', '--nodes', 'abc'], usage('--nodes', '"abc"')),
  loom('offline', ['minicluster', '--nodes', '0'], usage('--nodes', '"0"')),
  loom('offline', ['minicluster', '--nodes'], usage('--nodes', 'loom minicluster --help')),
  loom('offline', ['minicluster', '--node-memory', '1x'], usage('--node-memory', '"1x"')),
  loom('offline', ['minicluster', '--node-memory', '99999999999'], usage('--node-memory', '"99999999999"'), {
    note: 'beyond a Java int: YARN cannot hold it',
  }),
  loom('offline', ['minicluster', '--node-vcores', '-1'], usage('--node-vcores', '"-1"')),
  loom('offline', ['minicluster', '--heartbeat-ms', '0'], usage('--heartbeat-ms', '"0"')),
  loom('offline', ['minicluster', '--hdfs-latency', 'foo'], usage('--hdfs-latency', '"foo"')),
  loom('offline', ['minicluster', '-D', 'novalue'], usage('"novalue"', 'key=value')),
  loom('offline', ['minicluster', '--foo'], usage("unknown option '--foo'", 'loom minicluster --help')),
  loom('offline', ['minicluster', 'extra'], usage("'extra'", 'loom minicluster --help')),

  // ------------------------------------------------------------------ loom yarn
  loom('offline', ['yarn'], usage('no command', 'application', 'loom yarn -help')),
  loom('offline', ['yarn', 'foo'], usage('unknown command foo', 'loom yarn -help')),
  loom('offline', ['yarn', 'application'], usage('-list', '-status', '-kill')),
  loom('offline', ['yarn', 'application', '-status'], usage('-status', 'loom yarn -help')),
  loom('offline', ['yarn', 'application', '-status', 'foo'], usage('-status "foo"', 'application_<clusterTimestamp>_<sequence>')),
  loom(
    'offline',
    ['yarn', 'application', '-kill', 'application_1'],
    usage('-kill "application_1"', 'application_<clusterTimestamp>_<sequence>'),
  ),
  loom('offline', ['yarn', 'application', '-status', APP_ID, '-kill', APP_ID], usage('exactly one of')),
  loom('offline', ['yarn', 'application', '-list', '-appStates', 'BOGUS'], usage('"BOGUS"', 'RUNNING')),
  loom('offline', ['yarn', 'application', '-list', 'extra'], usage('extra', 'loom yarn -help')),
  loom('offline', ['yarn', 'application', '-list', '-foo'], usage('-foo', 'loom yarn -help')),
  loom('offline', ['yarn', 'node'], usage('-list')),
  loom('offline', ['yarn', 'node', '-list', '-states', 'X'], usage('"X"', 'RUNNING')),
  loom('offline', ['yarn', 'queue'], usage('-status')),
  loom('offline', ['yarn', '-D', 'novalue', 'application', '-list'], usage('"novalue"', 'key=value')),
  loom('offline', ['yarn', '-conf'], usage('-conf', 'needs a value')),

  // ------------------------------------------------------------------ loom fs
  loom('offline', ['fs'], fsUsage('no command', '-ls', 'loom fs -help')),
  loom('offline', ['fs', '-foo'], fsUsage('-foo', 'Unknown command', 'loom fs -help')),
  loom('offline', ['fs', '-put'], fsUsage('-put', 'Not enough arguments', 'loom fs -usage -put')),
  // Valid in FsShell (the destination is the home dir, the cwd): it needs the NameNode first, as Hadoop's does.
  loom('offline', ['fs', '-put', 'data.txt'], { kind: 'retries', server: 'nn', setting: NN_ATTEMPTS_KEY }),
  loom('offline', ['fs', '-get', '/a'], { kind: 'retries', server: 'nn', setting: NN_ATTEMPTS_KEY }),
  loom('offline', ['fs', '-cat'], fsUsage('-cat', 'Not enough arguments', 'loom fs -usage -cat')),
  loom('offline', ['fs', '-rm'], fsUsage('-rm', 'Not enough arguments', 'loom fs -usage -rm')),
  loom('offline', ['fs', '-mv', '/a'], fsUsage('-mv', 'Not enough arguments', 'loom fs -usage -mv')),
  loom('offline', ['fs', '-mkdir'], fsUsage('-mkdir', 'Not enough arguments', 'loom fs -usage -mkdir')),
  loom('offline', ['fs', '-stat'], fsUsage('-stat', 'Not enough arguments', 'loom fs -usage -stat')),
  loom('offline', ['fs', '-checksum'], fsUsage('-checksum', 'Not enough arguments', 'loom fs -usage -checksum')),
  loom('offline', ['fs', '-mkdir', '-x', '/a'], fsUsage('-x')),
  loom('offline', ['fs', '-fs'], fsUsage('-fs', 'needs a value')),
  loom('offline', ['fs', '-D', 'novalue', '-ls', '/'], fsUsage('"novalue"', 'key=value')),
  loom('offline', ['fs', '-ls', '-Z', '/'], fsUsage('-Z'), { owner: 'item-8', note: 'a flag read as a path' }),
  // FsShell expands the remote sources (NameNode) before it checks the local destination.
  loom('offline', ['fs', '-get', '/a', 'b', 'c'], { kind: 'retries', server: 'nn', setting: NN_ATTEMPTS_KEY }, { owner: 'item-8' }),
  // FsShell stats the remote destination (NameNode) before it expands the local sources.
  loom(
    'offline',
    ['fs', '-put', '{missingDir}/local.txt', '/x'],
    { kind: 'retries', server: 'nn', setting: NN_ATTEMPTS_KEY },
    { owner: 'item-8' },
  ),

  // ------------------------------------------------------------------ yarn-session
  session('offline', ['--foo'], usage("unknown option '--foo'", 'yarn-session --help')),
  session('offline', ['extra'], usage("'extra'", 'yarn-session --help')),
  session('offline', ['-jm'], usage('-jm', 'yarn-session --help')),
  session('offline', ['-tm'], usage('-tm', 'yarn-session --help')),
  session('offline', ['-s'], usage('-s', 'yarn-session --help')),
  session('offline', ['-nm'], usage('-nm', 'yarn-session --help')),
  session('offline', ['-qu'], usage('-qu', 'yarn-session --help')),
  session('offline', ['-id'], usage('-id', 'yarn-session --help')),
  session('offline', ['-jm', '1x'], usage('-jm', '"1x"', 'e.g. 1024m')),
  session('offline', ['-tm', 'abc'], usage('-tm', '"abc"', 'e.g. 1024m')),
  session('offline', ['-tm', '-1g'], usage('-tm', '"-1g"', 'e.g. 1024m')),
  session('offline', ['-s', 'abc'], usage('-s "abc"', 'e.g. -s 2')),
  session('offline', ['-s', '-1'], usage('-s "-1"', 'e.g. -s 2')),
  session('offline', ['-s', '0'], usage('-s "0"', 'e.g. -s 2')),
  session('offline', ['-s', '99999999999'], usage('-s "99999999999"', 'e.g. -s 2'), {
    note: 'beyond a Java int (Flink reads it with Integer.parseInt)',
  }),
  session('offline', ['-id', 'foo'], usage('-id', '"foo"', 'application_')),
  session('offline', ['-id', 'application_1_x'], usage('-id', '"application_1_x"', 'application_')),
  session('offline', ['-D', 'novalue'], usage('"novalue"', 'key=value')),
  session('offline', ['-d', '-t', '{missingDir}/ship.txt'], refused('{missingDir}/ship.txt', '-t')),
  session('offline', ['-jm', '0', '-d'], usage('-jm', '"0"'), { owner: 'item-6' }),
  session('offline', ['-jm', '1k', '-d'], usage('-jm', '"1k"'), { owner: 'item-6' }),
  session(
    'offline',
    ['-D', 'taskmanager.numberOfTaskSlot=2', '-d'],
    usage('taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots'),
    { owner: 'item-7' },
  ),
  session('cluster', ['-s', '9', '-d'], refused('-s', '9', '4'), {
    owner: 'item-3',
    note: 'the mini cluster allows at most 4 vcores per container',
  }),
  session('cluster', ['-tm', '8g', '-d'], refused('-tm', '8192 MiB', '4096 MiB'), {
    owner: 'item-3',
    note: 'the mini cluster allows at most 4096 MB per container',
  }),
  session('cluster', ['-jm', '8g', '-d'], refused('-jm', '8192 MiB', '4096 MiB'), { owner: 'item-3' }),

  // ------------------------------------------------------------------ well-formed, but nothing there (live cluster)
  loom('cluster', ['yarn', 'application', '-status', APP_ID], refused(APP_ID, "doesn't exist")),
  loom('cluster', ['yarn', 'application', '-kill', APP_ID], refused(APP_ID, "doesn't exist")),
  loom('cluster', ['list'], refused('no Loom session', 'yarn-session')),
  loom('cluster', ['cancel', JOB_ID], refused('no Loom session', 'yarn-session')),
  loom('cluster', ['info', '-yid', APP_ID], refused(APP_ID)),
  session('cluster', ['-id', APP_ID], refused(APP_ID)),
  loom('cluster', ['fs', '-cat', '/nonexistent'], refused('/nonexistent', 'No such file or directory'), {
    owner: 'item-14',
    note: 'says FileNotFoundException where hdfs dfs says No such file or directory',
  }),
  loom('cluster', ['fs', '-ls', '/nonexistent'], refused('/nonexistent', 'No such file or directory')),
  loom('cluster', ['fs', '-get', '/nonexistent', 'out.txt'], refused('/nonexistent')),
  loom('cluster', ['run-application', 'hdfs:///nonexistent/prog.mjs'], refused('/nonexistent/prog.mjs')),

  // ------------------------------------------------------------------ a dead ResourceManager (the NameNode is up)
  loom(
    'dead-rm',
    ['yarn', ...SHORT_RM_WAIT, 'application', '-list'],
    { kind: 'gives-up', server: 'rm', setting: RM_WAIT_KEY },
    { owner: 'item-4' },
  ),
  loom(
    'dead-rm',
    ['yarn', ...SHORT_RM_WAIT, 'node', '-list'],
    { kind: 'gives-up', server: 'rm', setting: RM_WAIT_KEY },
    { owner: 'item-4' },
  ),
  loom(
    'dead-rm',
    ['yarn', ...SHORT_RM_WAIT, 'application', '-status', APP_ID],
    { kind: 'gives-up', server: 'rm', setting: RM_WAIT_KEY },
    { owner: 'item-4' },
  ),
  loom('dead-rm', ['list-clusters', ...SHORT_RM_WAIT], { kind: 'gives-up', server: 'rm', setting: RM_WAIT_KEY }, { owner: 'item-4' }),
  loom(
    'dead-rm',
    ['info', '-yid', APP_ID, ...SHORT_RM_WAIT],
    { kind: 'gives-up', server: 'rm', setting: RM_WAIT_KEY },
    { owner: 'item-4' },
  ),
  loom(
    'dead-rm',
    ['yarn', 'application', '-list'],
    { kind: 'retries', server: 'rm', setting: RM_WAIT_KEY },
    { owner: 'item-4', note: "Hadoop's default wait is 900 s" },
  ),

  // ------------------------------------------------------------------ a dead NameNode (the ResourceManager is up)
  loom('dead-nn', ['fs', ...SHORT_NN_WAIT, '-ls', '/'], { kind: 'gives-up', server: 'nn', setting: NN_ATTEMPTS_KEY }, { owner: 'item-4' }),
  loom(
    'dead-nn',
    ['fs', ...SHORT_NN_WAIT, '-mkdir', '-p', '/x'],
    { kind: 'gives-up', server: 'nn', setting: NN_ATTEMPTS_KEY },
    { owner: 'item-4' },
  ),
  loom(
    'dead-nn',
    ['fs', ...SHORT_NN_WAIT, '-put', 'data.txt', '/data.txt'],
    { kind: 'gives-up', server: 'nn', setting: NN_ATTEMPTS_KEY },
    { owner: 'item-4' },
  ),
  // list-clusters needs only the ResourceManager: with a dead NameNode it lists, after the retry lines
  // and a warning that it could not look for leftover staging dirs (exit 0), so it is no case here.
  loom('dead-nn', ['fs', '-ls', '/'], { kind: 'retries', server: 'nn', setting: NN_ATTEMPTS_KEY }, { owner: 'item-4' }),

  // ------------------------------------------------------------------ no configuration
  loom('no-conf', ['fs', '-ls', '/'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  loom('no-conf', ['run', 'prog.mjs'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  loom('no-conf', ['run-application', 'prog.mjs'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  loom('no-conf', ['list-clusters'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  loom('no-conf', ['upload-runtime', '/loom'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  loom('no-conf', ['list'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  session('no-conf', ['-d'], refused('fs.defaultFS', 'HADOOP_CONF_DIR')),
  // The -D keeps these off 0.0.0.0:8032 (a real ResourceManager may listen there): the named
  // directory must be refused before any address is used.
  loom(
    'conf-dir-missing',
    ['yarn', '-D', 'yarn.resourcemanager.address=127.0.0.1:{dead}', ...SHORT_RM_WAIT, 'application', '-list'],
    refused('HADOOP_CONF_DIR', '{missingDir}'),
    { owner: 'item-9' },
  ),
  loom(
    'conf-dir-empty',
    ['yarn', '-D', 'yarn.resourcemanager.address=127.0.0.1:{dead}', ...SHORT_RM_WAIT, 'application', '-list'],
    refused('HADOOP_CONF_DIR', '{emptyDir}'),
    { owner: 'item-9' },
  ),
  loom('conf-dir-missing', ['fs', '-ls', '/'], refused('HADOOP_CONF_DIR', '{missingDir}'), { owner: 'item-9' }),
  loom(
    'offline',
    ['yarn', '--conf', '{missingDir}', '-D', 'yarn.resourcemanager.address=127.0.0.1:{dead}', ...SHORT_RM_WAIT, 'application', '-list'],
    refused('{missingDir}'),
    { owner: 'item-9' },
  ),
];

/** The test name of a case: the command line and where it runs. */
export function caseName(c: BadInputCase): string {
  return `${c.bin} ${c.argv.join(' ')} [${c.setup}]${c.owner ? ` (${c.owner})` : ''}`;
}
