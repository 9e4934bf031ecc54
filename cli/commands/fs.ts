/**
 * `loom fs`: HDFS file commands in the shape of `hdfs dfs` (Hadoop's FsShell), over WebHDFS.
 *
 *   loom fs [-D key=value]... [-fs <uri>] [--conf <dir>] -<command> [flags] <paths>
 *
 * Output on stdout is what `hdfs dfs` prints, byte for byte; each error is one line on stderr,
 * "loom fs -<command>: " and Hadoop's message. Exit codes are FsShell's: 0, 1 when a path
 * failed (or -test is false), 255 for a bad command line (printed with the command's usage).
 * The commands live in ./fs/, one file per command family.
 */
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { loadCommandConfiguration, parseGenericOptions, type GenericOptions } from '../pass-through-command.js';
import { COMMANDS, NOT_IN_LOOM, usageLine } from './fs/command-table.js';
import { FsShellContext, type FsIo } from './fs/fs-shell-context.js';
import { ShellUsageError } from './fs/shell-errors.js';
import { HdfsShellFs, LocalShellFs } from './fs/shell-fs.js';
import { retryLinesTo } from '../retry-lines.js';
import { isQuiet } from '../terminal/quiet-mode.js';
import { transferProgressOutput } from '../terminal/transfer-progress-output.js';
import { errorLine, EXIT_STATUS, exitStatusFor } from '../exit-statuses.js';

export type { FsIo };

/** FsShell's exit code for a bad command line (-1 as a process exit code). */
export const USAGE_EXIT_CODE = EXIT_STATUS.fsUsage;

const GENERIC = '[-D <property=value>]... [-conf <dir>] [-fs <hdfs://namenode:port | webhdfs://host:port>]';

/** Runs one `loom fs` invocation; returns the exit code (0 ok, 1 a path failed, 255 bad usage). */
export async function runFs(argv: string[], io: FsIo): Promise<number> {
  let generic: GenericOptions;
  try {
    generic = parseGenericOptions(argv);
  } catch (err) {
    io.stderr.write(`loom fs: ${(err as Error).message} (see loom fs -help)\n`);
    return USAGE_EXIT_CODE;
  }
  const dashed = generic.rest.at(0);
  const args = generic.rest.slice(1);
  if (dashed === undefined) {
    io.stderr.write(`loom fs: no command given: name one, e.g. loom fs -ls / (loom fs -help lists them all)\n`);
    return USAGE_EXIT_CODE;
  }
  if (['-help', '-usage', '--help', '-h', 'help'].includes(dashed))
    return help(io, dashed === '-help' || dashed === '--help' || dashed === '-h' || dashed === 'help', args);
  const name = dashed.replace(/^-/, '');
  const entry = dashed.startsWith('-') ? COMMANDS[name] : undefined;
  if (!entry) return unknownCommand(io, dashed, name);

  let client: WebHdfsClient | undefined;
  const prefix = `loom fs -${name}: `;
  try {
    const env = io.env ?? process.env;
    const conf = loadCommandConfiguration(generic, env, io);
    // A fully qualified path names the file system, as in `hdfs dfs -ls hdfs://nn:8020/`.
    const uri = generic.fsUri ?? args.find((a) => /^(hdfs|webhdfs|swebhdfs):\/\/[^/]/.test(a));
    const transfers = transferProgressOutput(io.stderr, { disabled: isQuiet(), ...(io.now ? { now: io.now } : {}) });
    // Retry lines go above a live progress line instead of into it.
    const retryLines = retryLinesTo({ write: (text: string) => transfers.log(text.replace(/\n$/, '')) });
    client = webHdfsClientFromConf(conf, { env, ...(uri ? { uri } : {}), onRetry: retryLines });
    const uriPrefix = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)/.exec(uri ?? conf.get('fs.defaultFS') ?? '')?.[1] ?? '';
    const shell = new FsShellContext(io, conf, new HdfsShellFs(client, uriPrefix), new LocalShellFs(), transfers);
    return await entry.create(shell, name).run([...args]);
  } catch (err) {
    // A usage error ends with the way to the command's usage.
    const usage = err instanceof ShellUsageError ? ` (usage: loom fs -usage -${name})` : '';
    io.stderr.write(`${prefix}${errorLine(err)}${usage}\n`);
    // FsShell ends every other failure with 1, a configuration it cannot use included.
    return err instanceof ShellUsageError ? exitStatusFor(err) : EXIT_STATUS.failure;
  } finally {
    client?.close();
  }
}

function unknownCommand(io: FsIo, dashed: string, name: string): number {
  let hint = 'loom fs -help lists the commands';
  if (!dashed.startsWith('-') && COMMANDS[dashed]) hint = `did you mean -${dashed}? Commands begin with a dash`;
  else if (name in NOT_IN_LOOM)
    hint = `an hdfs dfs command loom fs does not have${NOT_IN_LOOM[name] ? `: ${NOT_IN_LOOM[name]}` : ''}; loom fs -help lists the ones it has`;
  io.stderr.write(`loom fs: ${dashed}: Unknown command (${hint})\n`);
  return USAGE_EXIT_CODE;
}

/** -usage [cmd ...]: the usage lines; -help [cmd ...]: with a description each. */
function help(io: FsIo, describe: boolean, names: string[]): number {
  const wanted = names.length > 0 ? names.map((n) => n.replace(/^-/, '')) : Object.keys(COMMANDS);
  let code = 0;
  for (const name of wanted) {
    const entry = COMMANDS[name];
    if (!entry) {
      io.stderr.write(`loom fs: -${name}: Unknown command\n`);
      code = USAGE_EXIT_CODE;
      continue;
    }
    io.stdout.write(describe ? `${usageLine(name, entry)} :\n  ${entry.description}\n` : `Usage: loom fs ${usageLine(name, entry)}\n`);
  }
  if (names.length === 0 && !describe) io.stdout.write(`Generic options: ${GENERIC}\n`);
  return code;
}
