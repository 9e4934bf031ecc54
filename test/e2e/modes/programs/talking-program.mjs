// A program that talks while main() runs in the AM: ctx.log, console.log and console.error lines
// around one job, and a value it returns.
export default async function main(ctx) {
  ctx.log('talking: starting');
  console.log('talking: console.log before the job');
  const results = await ctx.run({ exportName: 'square', parallelism: 2 });
  console.error(`talking: console.error after the job, results ${results.join(',')}`);
  ctx.log('talking: last line before returning');
  return { squares: results, note: 'from main()' };
}

export function square(task) {
  return task.index * task.index;
}
