// A program whose one job sleeps: long enough for a test to list, inspect and cancel it.
export default async function main(ctx) {
  const job = await ctx.submit({ exportName: 'sleep', parallelism: 1, args: [Number(ctx.args[0] ?? 60000)] });
  ctx.log(`sleeping in job ${job.id}`);
  return job.result();
}

export async function sleep(task) {
  await new Promise((resolve) => setTimeout(resolve, task.args[0]));
  return task.index;
}
