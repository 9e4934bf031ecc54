// A program for the fault scenarios: one job whose every task run leaves a mark file of its own
// under <marks>/ on HDFS (so a test sees the tasks running, and counts how often they ran) and then
// waits until <release> exists, so a test can kill an AM, a TaskExecutor or the client meanwhile.
//
//   main(ctx): args [marks dir, release path]; parallelism from -p (default 2)

export default async function main(ctx) {
  const [marks, release] = ctx.args;
  const job = await ctx.submit({ exportName: 'markAndWait', name: 'wait for release', args: [marks, release] });
  ctx.log(`waiting for ${release} in job ${job.id}`);
  return job.result();
}

export async function markAndWait(task) {
  const [marks, release] = task.args;
  const { randomUUID } = await import('node:crypto');
  await task.hdfs.create(`${marks}/task${task.index}-attempt${task.attempt}-${randomUUID()}`, Buffer.from(String(process.pid)));
  for (;;) {
    try {
      await task.hdfs.getFileStatus(release);
      return { index: task.index, attempt: task.attempt };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
