import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/**
 * A request's JSON body, read up to `limitBytes`. An empty body is `undefined`; anything larger
 * than the limit is refused as soon as it shows (by Content-Length or while streaming) without
 * buffering the rest; text that is not JSON is a 400 naming the position.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new HttpError(
      413,
      [
        `the request body is larger than ${limitBytes} bytes; job arguments belong in a file on HDFS, or raise rest.server.max-content-length`,
      ],
      { Connection: 'close' },
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();

  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err) => reject(new HttpError(400, [`reading the request body failed: ${err.message}`], { Connection: 'close' })));
  });
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, [`the request body is not valid JSON: ${(err as Error).message}`]);
  }
}
