/**
 * `loom logs`: container logs in the shape of Hadoop's `yarn logs`, and a Loom job's task output.
 *
 *   loom logs [-D key=value]... [--conf <dir>] -applicationId <app> [-containerId <c>] [-log_files a,b] [-size N]
 *   loom logs <jobId> [--task N] [--attempt A] [-f] [--applicationId <app>]   (job-logs.ts)
 *
 * Hadoop's single-dash options are parsed here (commander passes them through, see
 * ../pass-through-command.ts); `--applicationId`, `--application-id` and the other spellings work
 * too. Running applications are read through their NodeManagers' web services, ended ones from the
 * aggregated logs (yarn.log-aggregation-enable), as `yarn logs` does.
 */
import { Writable } from 'node:stream';
import type { AggregatedContainerLogs, AggregatedLogSource } from '../../client/hadoop/yarn/aggregated-log-source.js';
import { AggregatedLogsNotFoundError, readAggregatedLogs, remoteAppLogDirSettings } from '../../client/hadoop/aggregated-logs/index.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import { NodeManagerWebClient } from '../../client/hadoop/yarn/nodemanager-web-client.js';
import { YarnClient } from '../../client/hadoop/yarn/yarn-client.js';
import { printYarnLogs, type YarnLogsRequest } from '../../client/hadoop/yarn/yarn-logs.js';
import type { Configuration } from '../../client/conf/configuration.js';
import { describeError } from '../describe-error.js';
import { retryLinesTo } from '../retry-lines.js';
import { loadCommandConfiguration, parseGenericOptions, usageError, type CommandIo } from '../pass-through-command.js';
import { UsageError } from '../usage-error.js';

export const LOGS_USAGE = `Usage: loom logs [-D key=value]... [--conf <dir>] -applicationId <Application ID> [options]
  -applicationId <Application ID>   the application whose container logs to print (as yarn logs)
  -containerId <Container ID>       only this container
  -log_files <Log File Name>        only these files, comma-separated (ALL: every file)
  -size <size>                      bytes of each file: from the start, or from the end if negative
   or: loom logs <jobId> [--task N] [--attempt A] [-f] [--applicationId <app>]
                                    a Loom job's task output, each task attempt under its own heading
`;

/** Every spelling of each option, as LogsCLI's (-log_files, -logFiles) and GNU style. */
const SPELLINGS: Record<string, readonly string[]> = {
  applicationId: ['-applicationId', '--applicationId', '--application-id', '-appId'],
  containerId: ['-containerId', '--containerId', '--container-id'],
  logFiles: ['-log_files', '--log_files', '-logFiles', '--log-files'],
  size: ['-size', '--size'],
};

/**
 * Where ended applications' aggregated logs come from: the TFile node files under
 * yarn.nodemanager.remote-app-log-dir, read through WebHDFS (client/hadoop/aggregated-logs).
 */
export function aggregatedLogSource(conf: Configuration, env: NodeJS.ProcessEnv): AggregatedLogSource {
  return {
    async containerLogs(appId, appOwner) {
      const fs = webHdfsClientFromConf(conf, { env });
      const byContainer = new Map<string, AggregatedContainerLogs>();
      try {
        for await (const e of readAggregatedLogs(fs, { appId, user: appOwner, settings: remoteAppLogDirSettings(conf) })) {
          const key = `${e.nodeId}/${e.containerId}`;
          let logs = byContainer.get(key);
          if (!logs) byContainer.set(key, (logs = { containerId: e.containerId, nodeFileName: e.nodeId, files: [] }));
          const content = e.content;
          logs.files.push({
            fileName: e.fileName,
            length: e.length,
            lastModifiedMs: e.lastModifiedTime,
            content: () => Promise.resolve(content),
          });
        }
      } catch (err) {
        if (err instanceof AggregatedLogsNotFoundError) return [];
        throw err;
      } finally {
        fs.close();
      }
      return [...byContainer.values()];
    },
  };
}

/** Runs one `loom logs`; returns the exit code. */
export async function runLogs(argv: string[], io: CommandIo): Promise<number> {
  if (argv.some((a) => ['-help', '--help', '-h'].includes(a))) {
    io.stdout.write(LOGS_USAGE);
    return 0;
  }
  let request: YarnLogsRequest & { generic: ReturnType<typeof parseGenericOptions> };
  try {
    const generic = parseGenericOptions(argv);
    if (generic.rest.length > 0 && !generic.rest[0].startsWith('-')) {
      const { runJobLogs } = await import('./job-logs.js');
      return await runJobLogs(argv, io);
    }
    request = { ...parseYarnLogsOptions(generic.rest), generic };
  } catch (err) {
    if (err instanceof UsageError) return usageError('loom logs', LOGS_USAGE, io, err.message);
    throw err;
  }
  const env = io.env ?? process.env;
  let yarn: YarnClient | undefined;
  try {
    const conf = loadCommandConfiguration(request.generic, env, io);
    yarn = YarnClient.createFromConf(conf, { env, onRetry: retryLinesTo(io.stderr) });
    const aggregated = aggregatedLogSource(conf, env);
    const code = await printYarnLogs(
      request,
      { yarn, nodeManagers: new NodeManagerWebClient(), aggregated },
      { write: (chunk) => writeTo(io.stdout, chunk), error: (line) => io.stderr.write(`${line}\n`) },
    );
    return code;
  } catch (err) {
    io.stderr.write(`loom logs: ${describeError(err)}\n`);
    return 1;
  } finally {
    await yarn?.close();
  }
}

/** -applicationId <id> [-containerId <id>] [-log_files a,b] [-size N]; throws UsageError. */
export function parseYarnLogsOptions(args: readonly string[]): YarnLogsRequest {
  const values: Partial<Record<string, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes('=') && args[i].startsWith('--') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const name = Object.keys(SPELLINGS).find((k) => SPELLINGS[k].includes(flag));
    if (!name) throw new UsageError(`unknown option ${flag}`);
    const value: string | undefined = inline ?? args.at(++i);
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    if (name in values) throw new UsageError(`${flag} given twice`);
    values[name] = value;
  }
  const appId = values.applicationId;
  if (appId === undefined) throw new UsageError('-applicationId <Application ID> is required (or give a Loom job id: loom logs <jobId>)');
  if (!/^application_\d+_\d+$/.test(appId))
    throw new UsageError(`${appId} is not an application id (application_<cluster timestamp>_<number>)`);
  const containerId = values.containerId;
  if (containerId !== undefined && !/^container_(e\d+_)?\d+_\d+_\d+_\d+$/.test(containerId)) {
    throw new UsageError(`${containerId} is not a container id (container_<cluster timestamp>_<app>_<attempt>_<number>)`);
  }
  const size = values.size === undefined ? undefined : Number(values.size);
  if (size !== undefined && !Number.isSafeInteger(size)) throw new UsageError(`-size ${values.size ?? ''} is not a whole number of bytes`);
  const logFiles = values.logFiles
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    appId,
    ...(containerId !== undefined ? { containerId } : {}),
    ...(logFiles !== undefined ? { logFiles } : {}),
    ...(size !== undefined ? { size } : {}),
  };
}

/** Writes and waits for the stream to take it (logs can be large; `| head` closes early). */
function writeTo(out: NodeJS.WritableStream, chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (err) => {
      if (err) reject(err);
    });
    if (ok || !(out instanceof Writable)) resolve();
    else out.once('drain', resolve);
  });
}
