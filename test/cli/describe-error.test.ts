import { describe, expect, it } from 'vitest';
import { describeError } from '../../cli/describe-error.js';

describe('describeError for something thrown that is not an Error', () => {
  it('shows an object as JSON rather than [object Object], and a string as it is', () => {
    expect(describeError({ status: 503, reason: 'busy' }, { verbose: false })).toBe('{"status":503,"reason":"busy"}');
    expect(describeError('plain words\nsecond line', { verbose: false })).toBe('plain words');
    expect(describeError(new Error('outer', { cause: { why: 'inner' } }), { verbose: true })).toMatch(/caused by: \{"why":"inner"\}/);
  });
});
