import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recorded Hadoop 3.3.6 fixtures live in ../shared beside the repository (also on CI). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/hadoop-3.3.6');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

export function readFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

export interface IpcConnectionFixture {
  port: number;
  description: string;
  segments: { dir: 'c2s' | 's2c'; hex: string }[];
}

/** One direction of a recorded TCP connection, all segments concatenated. */
export function streamBytes(conn: IpcConnectionFixture, dir: 'c2s' | 's2c'): Buffer {
  return Buffer.concat(conn.segments.filter((s) => s.dir === dir).map((s) => Buffer.from(s.hex, 'hex')));
}
