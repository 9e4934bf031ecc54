/**
 * `loom upload-runtime <hdfs-dir> [--node <path>] [-D key=value]...`: puts Loom's runtime with a
 * Linux Node.js binary in a new versioned directory below <hdfs-dir> (or finds it there, unchanged,
 * and uploads nothing), and prints the `-Dyarn.provided.lib.dirs=...` that submissions then use so
 * that they upload none of Loom and NodeManagers localize it once for all applications.
 */
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { parseHdfsPath } from '../../client/hadoop/hdfs/hdfs-path.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { hadoopUser } from '../../client/wire/security/hadoop-user.js';
import { NODE_BINARY_KEY, describeNodeBinary } from '../../client/deploy/runtime/node-binary.js';
import { providedLibDirsOption, publishRuntime } from '../../client/deploy/runtime/runtime-publish.js';
import { stagingFileSystemUri } from '../../client/deploy/submit/staging-dir.js';
import { retryLinesTo } from '../retry-lines.js';
import { isQuiet } from '../terminal/quiet-mode.js';
import { transferProgressOutput } from '../terminal/transfer-progress-output.js';
import { describeClusterError, loadConfigs, loomCommand, parseCommand, type ClusterCommandIo } from './cluster-options.js';
import { exitStatusFor } from '../exit-statuses.js';

interface UploadRuntimeFlags {
  node?: string;
  D?: string[];
}

export async function runUploadRuntime(argv: string[], io: ClusterCommandIo): Promise<number> {
  const cmd = loomCommand('loom upload-runtime', io)
    .description(
      "Upload Loom's runtime (code and a Linux Node.js binary) into a new versioned directory <dir>/loom-<version>-<hash>/, " +
        'readable by all users, for -Dyarn.provided.lib.dirs. Unchanged content is not uploaded again.',
    )
    .argument('<dir>', 'HDFS directory (hdfs://..., webhdfs://... or a path) that holds the versioned runtime directories')
    .option('--node <path>', `Linux Node.js binary to ship (default: this one, on linux-x64/arm64; also -D${NODE_BINARY_KEY}=<path>)`);
  const parsed = parseCommand(cmd, argv);
  if ('code' in parsed) return parsed.code;
  const flags = cmd.opts<UploadRuntimeFlags>();
  const dirArg = parsed.args[0];
  const env = io.env ?? process.env;
  let fs: WebHdfsClient | undefined;
  try {
    const { hadoopConf, conf } = loadConfigs(io, flags.D ?? []);
    const target = parseHdfsPath(dirArg);
    const fsUri =
      target.scheme && target.authority ? `${target.scheme}://${target.authority}` : stagingFileSystemUri(hadoopConf, undefined);
    fs = webHdfsClientFromConf(hadoopConf, { uri: fsUri, user: hadoopUser(env), env, onRetry: retryLinesTo(io.stderr) });
    // Only a relative directory needs the NameNode now (the home directory); everything local is checked first.
    const relative = target.scheme === undefined && !dirArg.startsWith('/');
    const dir = relative ? parseHdfsPath(dirArg, await fs.getHomeDirectory()).path : target.path;
    const nodeBinary = flags.node ?? conf.get(LoomOptions.nodeBinary);
    const progress = transferProgressOutput(io.stderr, { disabled: isQuiet() });
    const published = await publishRuntime({
      fs,
      fsUri,
      dir,
      env,
      ...(nodeBinary ? { nodeBinary } : {}),
      log: (line) => progress.log(line),
      transfers: progress,
    });
    const what = `Loom ${published.manifest.loomVersion}'s runtime with ${describeNodeBinary(published.manifest.node)}`;
    io.stdout.write(
      published.created
        ? `Uploaded ${what} to ${published.uri} (${published.uploadedFiles.length} files, ${published.uploadedBytes} bytes).\n`
        : `${what} is already in ${published.uri}, unchanged: nothing uploaded.\n`,
    );
    io.stdout.write(`Submit with it:\n  ${providedLibDirsOption(published)}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`loom upload-runtime: ${describeClusterError(err)}\n`);
    return exitStatusFor(err);
  } finally {
    fs?.close();
  }
}
