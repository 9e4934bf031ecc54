/**
 * A failed call to the AM's dispatcher: `status` is the HTTP status (undefined when the AM could
 * not be reached or did not answer in time), `errors` the server's own messages.
 */
export class DispatcherError extends Error {
  override name = 'DispatcherError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errors: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
