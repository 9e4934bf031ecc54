// A program and a task for the tests of an attached client going away (Ctrl+C, SIGTERM, SIGHUP,
// its output closed): the task marks that it runs, then holds until the test opens its gate, so a
// test knows the job is running when it interrupts the client, and decides when the job ends.

/** main(): one job of `held` tasks; prints a line to stdout every 200 ms while it waits (a progress display, piped to `head`). */
export default async function main(ctx) {
  const [gate, parallelism] = ctx.args;
  const job = await ctx.submit({ exportName: 'held', parallelism: Number(parallelism ?? 1), args: [gate] });
  ctx.log(`held job ${job.id} in ${job.applicationId}`);
  const ticker = setInterval(() => console.log(`waiting for job ${job.id}`), 200);
  try {
    return await job.result();
  } finally {
    clearInterval(ticker);
  }
}

/** The same program under another export, for `-t yarn-per-job -c <export>`. */
export const heldMain = main;

/** Writes `<gate>.running-<index>`, then holds until the file `<gate>` exists. */
export async function held(task) {
  const { existsSync, writeFileSync } = await import('node:fs');
  const [gate] = task.args;
  writeFileSync(`${gate}.running-${task.index}`, String(process.pid));
  while (!existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 50));
  return { index: task.index };
}
