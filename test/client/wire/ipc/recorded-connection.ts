import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';

/** Test helpers around the recorded IPC connections in the fixtures. */
export function recording(path: string): IpcConnectionFixture {
  return readFixtureJson<IpcConnectionFixture>('ipc', `${path}.json`);
}

/** Splits a recorded stream into frame bodies (skipping the 7-byte preamble on the client side). */
export function framesOf(conn: IpcConnectionFixture, dir: 'c2s' | 's2c'): Buffer[] {
  const bytes = streamBytes(conn, dir);
  const decoder = new FrameDecoder(1 << 30);
  const frames = decoder.push(dir === 'c2s' ? bytes.subarray(7) : bytes);
  decoder.end();
  return frames;
}

/**
 * A TCP server on 127.0.0.1 that plays the server side of a recording: it sends each recorded
 * s2c segment once the client has sent as many bytes as the recording had before it. Everything
 * the client sent is kept for comparison.
 */
export class ReplayServer {
  received = Buffer.alloc(0);
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly conn: IpcConnectionFixture) {}

  async start(): Promise<number> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      let segment = 0;
      let expected = 0;
      const pump = () => {
        while (segment < this.conn.segments.length) {
          const s = this.conn.segments[segment];
          if (s.dir === 'c2s') {
            if (this.received.length < expected + s.hex.length / 2) return;
            expected += s.hex.length / 2;
          } else {
            socket.write(Buffer.from(s.hex, 'hex'));
          }
          segment++;
        }
      };
      socket.on('data', (chunk: Buffer) => {
        this.received = Buffer.concat([this.received, chunk]);
        pump();
      });
      socket.on('error', () => {});
      pump();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) {
        resolve();
        return;
      }
      for (const s of this.sockets) s.destroy();
      this.server.close(() => resolve());
    });
  }
}
