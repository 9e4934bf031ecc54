// JSON text as the RM's Jersey/Jackson writer produces it, which JSON.stringify cannot: floats keep
// their ".0", longs beyond 2^53 stay exact, and `resourceSecondsMap` repeats the key "entry".

/** A number printed the way Java prints a float/double ("0.0", "9.375"). */
export class JavaFloat {
  constructor(readonly value: number) {}
}

/** A number already in its final text form (e.g. Long.MAX_VALUE). */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** An object whose members all share one key (the recorded `{"entry":{...},"entry":{...}}` quirk). */
export class RepeatedKey {
  constructor(
    readonly key: string,
    readonly values: unknown[],
  ) {}
}

function javaFloat(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

export function toJavaJson(value: unknown): string {
  if (value instanceof JavaFloat) return javaFloat(value.value);
  if (value instanceof RawNumber) return value.text;
  if (value instanceof RepeatedKey) return `{${value.values.map((v) => `${JSON.stringify(value.key)}:${toJavaJson(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJavaJson).join(',')}]`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${toJavaJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
