/**
 * Loom's layers as data: each folder, and the folders its modules may import from. Lower layers
 * never import higher ones, so a reader can take the code bottom-up (docs/architecture.md draws
 * the same table). A folder may always import from itself and its own sub-folders.
 */
export interface Layer {
  /** Folder, relative to the repository root. */
  dir: string;
  /** Folders this one may import from (besides itself). */
  mayImport: readonly string[];
  /** A codec does no I/O: it may not import Node's network, file or process modules. */
  noIo?: boolean;
  /** Modules of a no-I/O layer that still do some, each with the reason. */
  ioExceptions?: Readonly<Record<string, string>>;
}

const BASE = ['client/errors', 'client/retry', 'client/logging'];
const WIRE = [...BASE, 'client/conf', 'client/wire/codec', 'client/wire/security', 'client/wire/ipc'];
const HADOOP = [...WIRE, 'client/hadoop'];
const CONTRACTS = [...HADOOP, 'client/contracts'];
/** What runs inside the cluster may use the client library, except the deployers. */
const IN_CLUSTER = [...CONTRACTS, 'client/program'];

export const LAYERS: readonly Layer[] = [
  { dir: 'client/errors', mayImport: [] },
  { dir: 'client/retry', mayImport: ['client/errors'] },
  /** The logger of Loom's own processes: formats lines and hands them to the sink it is given, no I/O. */
  { dir: 'client/logging', mayImport: [], noIo: true },
  { dir: 'client/wire/codec', mayImport: ['client/errors'], noIo: true },
  { dir: 'client/conf', mayImport: BASE },
  { dir: 'client/wire/security', mayImport: [...BASE, 'client/wire/codec', 'client/wire/kerberos'] },
  { dir: 'client/wire/ipc', mayImport: [...BASE, 'client/conf', 'client/wire/codec', 'client/wire/security', 'client/wire/kerberos'] },
  /** The Kerberos 5 client's crypto, DER messages and file formats: bytes to values and back, no I/O. */
  { dir: 'client/wire/kerberos', mayImport: ['client/errors'], noIo: true },
  /** Kerberos files on disk (krb5.conf, keytab, credential cache) and the KDC exchanges over TCP and UDP. */
  { dir: 'client/wire/kerberos/kdc', mayImport: ['client/errors', 'client/wire/kerberos'] },
  /** The Kerberos GSS-API mechanism (RFC 4121): context tokens, MIC and Wrap tokens; bytes to values, no I/O. */
  { dir: 'client/wire/kerberos/gss', mayImport: ['client/errors', 'client/wire/kerberos'], noIo: true },
  /** SPNEGO (RFC 4178) tokens inside RFC 2743's framing: bytes to values and back, no I/O. */
  { dir: 'client/wire/kerberos/spnego', mayImport: ['client/errors', 'client/wire/kerberos'], noIo: true },
  /** Who Loom is on a Kerberized cluster: the ticket cache or a keytab login, and the service tickets it gets. */
  { dir: 'client/wire/kerberos/identity', mayImport: ['client/errors', 'client/wire/kerberos'] },
  { dir: 'client/hadoop', mayImport: [...WIRE, 'client/wire/kerberos'] },
  /** The TFile/BCFile container of YARN's aggregated logs: bytes to records and back, no I/O. */
  {
    dir: 'client/hadoop/aggregated-logs/tfile',
    mayImport: ['client/errors', 'client/hadoop/aggregated-logs/aggregated-log-errors.ts'],
    noIo: true,
  },
  { dir: 'client/contracts', mayImport: HADOOP },
  { dir: 'client/program', mayImport: CONTRACTS },
  { dir: 'client/deploy', mayImport: IN_CLUSTER },
  /** The programmatic client (`loom`): a facade over the deployers, as the CLI is. */
  { dir: 'client/api', mayImport: ['client'] },
  { dir: 'client/index.ts', mayImport: ['client'] },
  { dir: 'appmaster', mayImport: IN_CLUSTER },
  /**
   * The AM's metrics read the parts they count through their interfaces (ClusterControl, the
   * scheduler ports, the TaskExecutor registry) and import nothing else of the AM.
   */
  {
    dir: 'appmaster/metrics',
    mayImport: [
      ...IN_CLUSTER,
      'appmaster/cluster-api.ts',
      'appmaster/resourcemanager-bridge/scheduler-ports.ts',
      'appmaster/taskexecutors',
    ],
  },
  { dir: 'taskexecutor', mayImport: IN_CLUSTER },
  { dir: 'minicluster', mayImport: HADOOP },
  /** The simulated cluster's stand-in TaskExecutors speak Loom's own gRPC protocol (client/contracts). */
  { dir: 'minicluster/simulation', mayImport: [...CONTRACTS, 'minicluster'] },
  { dir: 'cli', mayImport: ['client', 'minicluster'] },
  { dir: 'bench', mayImport: ['cli', 'client', 'appmaster', 'taskexecutor', 'minicluster'] },
];

/** Node modules a codec may not import: it turns bytes into values and nothing else. */
export const IO_MODULES = [
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'fs',
  'fs/promises',
  'child_process',
  'dgram',
  'dns',
  'worker_threads',
  'undici',
];
