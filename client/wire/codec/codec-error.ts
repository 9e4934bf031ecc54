import { LoomError } from '../../errors/loom-error.js';

/**
 * The one error type every decoder in client/wire/codec and client/wire/security throws for bad bytes.
 * Callers (the IPC engine, the mini cluster) catch exactly this to turn garbage into a clean
 * refusal instead of a crash.
 */
export class CodecError extends LoomError {
  static override readonly code: string = 'CODEC_DATA_INVALID';
  override readonly name = 'CodecError';
}
