#!/usr/bin/env node
// `npm run demo`: the whole Loom journey on the embedded mini cluster, with no Hadoop installed.
//
//   1. start a mini cluster (ResourceManager, 2 NodeManagers, WebHDFS) in a temp dir
//   2. `yarn-session -d`: a Loom session on it (the AM starts TaskExecutors as jobs need slots)
//   3. upload a text file (`loom fs -put`) and run the word-count example on it (`loom run`)
//   4. stop the session (`yarn-session -id <id>` + `stop`), stop the mini cluster
//   5. print the results and how long each step took
//
// Every Loom step runs the real CLI as a child process, exactly as a user would type it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const loomBin = join(root, 'bin', 'loom.js');
const example = join(root, 'examples', 'word-count');
if (!existsSync(join(root, 'dist', 'minicluster', 'mini-cluster.js'))) {
  console.error('demo: dist/ is missing; build Loom first: npm run build');
  process.exit(1);
}
const { startMiniCluster } = await import('../dist/minicluster/mini-cluster.js');
const { mergeCounts } = await import('../examples/word-count/word-count.mjs');

const timings = [];
async function step(name, work) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  const result = await work();
  timings.push([name, Date.now() - started]);
  return result;
}

/** Runs `loom <args>`, echoing its output; fails the demo on a non-zero exit. */
function loom(env, args, { stdin, quiet } = {}) {
  process.stdout.write(
    `$ loom ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}${stdin ? `   (stdin: ${JSON.stringify(stdin)})` : ''}\n`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loomBin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      process.stdout.write(`  ${d.toString().trimEnd().split('\n').join('\n  ')}\n`);
    });
    child.stdin.end(stdin ?? '');
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`loom ${args[0]} exited with ${code}: ${err.trim().split('\n').at(-1)}`)),
    );
  });
}

const dir = await mkdtemp(join(tmpdir(), 'loom-demo-'));
const user = userInfo().username;
let cluster;
let appId;
let env;
const interrupted = () => {
  console.error('\ndemo: interrupted; stopping the mini cluster');
  void (cluster?.stop() ?? Promise.resolve()).finally(() => rm(dir, { recursive: true, force: true }).finally(() => process.exit(130)));
};
process.once('SIGINT', interrupted);

try {
  cluster = await step('start a mini cluster (ResourceManager, 2 NodeManagers, WebHDFS)', async () => {
    const c = await startMiniCluster({ dir: join(dir, 'cluster'), nodes: 2 });
    console.log(`HADOOP_CONF_DIR=${c.confDir}\nResourceManager ${c.rmAddress}, web UI http://${c.webAddress}/, file system ${c.defaultFs}`);
    return c;
  });

  const loomConf = join(dir, 'loom-conf');
  await mkdir(loomConf);
  await writeFile(
    join(loomConf, 'loom.yaml'),
    [
      `# Loom's configuration for the demo (Flink's key names).`,
      `loom.node.path: ${JSON.stringify(process.execPath)}`,
      `taskmanager.numberOfTaskSlots: 2`,
      `jobmanager.memory.process.size: 512m`,
      `taskmanager.memory.process.size: 512m`,
      `yarn.properties-file.location: ${JSON.stringify(dir)}`,
      '',
    ].join('\n'),
  );
  env = { ...process.env, HADOOP_CONF_DIR: cluster.confDir, LOOM_CONF_DIR: loomConf, HADOOP_USER_NAME: user };

  const started = await step('start a Loom session: yarn-session -d', () => loom(env, ['yarn-session', '-d', '-nm', 'Loom demo']));
  appId = /Loom session (application_\d+_\d+)/.exec(started)[1];

  const input = `/user/${user}/demo/input.txt`;
  await step('upload the input text to HDFS', async () => {
    await loom(env, ['fs', '-mkdir', '-p', `/user/${user}/demo`]);
    await loom(env, ['fs', '-put', '-f', join(example, 'input.txt'), input]);
    await loom(env, ['fs', '-ls', `/user/${user}/demo`]);
  });

  const results = await step('word count with 4 parallel tasks: loom run', async () =>
    JSON.parse(await loom(env, ['run', '-c', 'countWords', '-p', '4', join(example, 'word-count.mjs'), input], { quiet: true })),
  );
  for (const r of results) console.log(`  task ${r.task} counted ${r.lines} lines, ${Object.keys(r.counts).length} distinct words`);
  const top = mergeCounts(results).slice(0, 10);
  console.log(`  most frequent words: ${top.map(([w, n]) => `${w} ${n}`).join(', ')}`);

  await step('the same job again, on the TaskExecutors already running', async () => {
    const again = JSON.parse(
      await loom(env, ['run', '-c', 'countWords', '-p', '4', join(example, 'word-count.mjs'), input], { quiet: true }),
    );
    console.log(
      `  ${again.length} tasks, same totals: ${JSON.stringify(mergeCounts(again).slice(0, 3)) === JSON.stringify(top.slice(0, 3))}`,
    );
  });
  await step('list the jobs: loom list', () => loom(env, ['list']));

  await step('stop the session: yarn-session -id <id>, then stop', () => loom(env, ['yarn-session', '-id', appId], { stdin: 'stop\n' }));
  appId = undefined;
} catch (err) {
  console.error(`\ndemo failed: ${err.message}`);
  process.exitCode = 1;
  if (appId && env) await loom(env, ['yarn', 'application', '-kill', appId]).catch(() => undefined);
} finally {
  if (cluster) await step('stop the mini cluster', () => cluster.stop());
  await rm(dir, { recursive: true, force: true });
  process.off('SIGINT', interrupted);
}

console.log('\n== timings');
for (const [name, ms] of timings) console.log(`${String(ms).padStart(7)} ms  ${name}`);
console.log(`${String(timings.reduce((n, [, ms]) => n + ms, 0)).padStart(7)} ms  in all`);
