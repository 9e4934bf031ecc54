// An application-mode program for the HA tests: three sequential jobs. Every task run leaves a
// file of its own under <marks>/ on HDFS (so a test counts how often each job's tasks ran); job 2's
// tasks then wait until <release> exists, so a test can kill the AM while they run.
//
//   main(ctx): args [marks dir, release path, parallelism]

export default async function main(ctx) {
  const [marks, release, parallelismText] = ctx.args;
  const parallelism = Number(parallelismText ?? 2);
  const results = [];
  results.push(await ctx.run({ exportName: 'mark', name: 'job 1', parallelism, args: [marks, 'job1'] }));
  results.push(await ctx.run({ exportName: 'markAndWait', name: 'job 2', parallelism, args: [marks, 'job2', release] }));
  results.push(await ctx.run({ exportName: 'mark', name: 'job 3', parallelism, args: [marks, 'job3'] }));
  await ctx.hdfs.create(`${marks}/main-results.json`, Buffer.from(JSON.stringify(results)), { overwrite: true });
  return results;
}

/** Leaves <dir>/<job>-task<index>-<random>, returns what it did. */
export async function mark(task) {
  const [dir, job] = task.args;
  const { randomUUID } = await import('node:crypto');
  await task.hdfs.create(`${dir}/${job}-task${task.index}-${randomUUID()}`, Buffer.from(String(process.pid)));
  return { job, index: task.index };
}

/** mark(), then waits for the release file. */
export async function markAndWait(task) {
  const [, , release] = task.args;
  const done = await mark(task);
  for (;;) {
    try {
      await task.hdfs.getFileStatus(release);
      return done;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
