/** The Error `promise` rejects with; a promise that resolves, or rejects with something else, fails the test. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`expected an Error, got ${String(err)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}
