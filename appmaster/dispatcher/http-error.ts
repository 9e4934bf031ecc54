import { LoomError } from '../../client/errors/loom-error.js';

/** An answer other than success, with the messages that go into Flink's `{"errors": [...]}` body. */
export class HttpError extends LoomError {
  static override readonly code: string = 'REST_REQUEST_REFUSED';
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.join('; '));
  }
}
