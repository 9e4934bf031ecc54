/**
 * The TaskExecutor's one stream to the AM: registers, heartbeats, hands AM messages on, and
 * reconnects with exponential backoff when the stream breaks. It gives up when the AM refuses it
 * (wrong secret, bad registration) or has not been reached for the AM timeout: then the caller
 * exits, so a dead AM leaves no TaskExecutor behind, while a restarted one within the timeout
 * gets its TaskExecutors back. A new AM attempt serves elsewhere: before each reconnection the
 * connection asks `locate` (the HA store) where the AM is now.
 */
import * as grpc from '@grpc/grpc-js';
import { connect as tlsConnect } from 'node:tls';
import {
  CLUSTER_SECRET_METADATA_KEY,
  CONNECT_METHOD_PATH,
  decodeAmMessage,
  encodeTaskExecutorMessage,
  type AmMessage,
  type HeartbeatMessage,
  type RegisterMessage,
  type TaskExecutorMessage,
} from '../client/contracts/taskexecutor-protocol.js';
import type { HostPort } from '../client/conf/hadoop-address.js';
import type { PinnedCertificate } from '../client/wire/security/pinned-certificate.js';

export type GiveUpKind = 'refused' | 'am-timeout';

export interface AmConnectionOptions {
  address: HostPort;
  secret: string;
  /**
   * Internal TLS: the AM's gateway must show exactly this certificate (pinned by fingerprint; no
   * host name check, the AM runs on whichever node YARN picked). A different one is refused before
   * the secret is sent, and the TaskExecutor gives up. Absent: plaintext.
   */
  certificate?: PinnedCertificate;
  /** Built at each (re)connection: it reports the tasks still running. */
  registration(): RegisterMessage;
  heartbeat(): HeartbeatMessage;
  /** Deploy, cancel and shutdown messages. */
  onMessage(message: AmMessage): void;
  /** Until the AM says otherwise at registration. */
  amTimeoutMs: number;
  onGiveUp(kind: GiveUpKind, reason: string): void;
  log(message: string): void;
  /** Where the AM serves now (a new attempt's gateway), or undefined when unknown; asked before each reconnection. */
  locate?: () => Promise<HostPort | undefined>;
  /** How long one `locate` may take before the reconnection goes ahead to the address known (default 5 s). */
  locateTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  maxMessageBytes?: number;
  now?: () => number;
}

type Call = grpc.ClientDuplexStream<TaskExecutorMessage, AmMessage>;

/** Refusals that another try would meet again. */
const FINAL_CODES = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.INVALID_ARGUMENT]);

export class AmConnection {
  private readonly now: () => number;
  private target: string;
  private client: grpc.Client | undefined;
  private call: Call | undefined;
  private registered = false;
  private amTimeoutMs: number;
  private heartbeatIntervalMs = 0;
  private lastContact: number;
  private failures = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set when the peer showed another certificate than the pinned one: final, reported as the reason. */
  private pinRefused: string | undefined;

  constructor(private readonly opts: AmConnectionOptions) {
    this.now = opts.now ?? Date.now;
    this.amTimeoutMs = opts.amTimeoutMs;
    this.lastContact = this.now();
    this.target = targetOf(opts.address);
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** host:port it connects to (changes when `locate` finds a new AM attempt). */
  get amTarget(): string {
    return this.target;
  }

  start(): void {
    this.lastContact = this.now();
    this.watchdog = setInterval(() => this.checkContact(), Math.max(50, Math.min(1_000, Math.floor(this.amTimeoutMs / 4))));
    this.connect();
  }

  /** Sends when registered; otherwise the message is dropped (the AM has given the work to others by then). */
  send(message: TaskExecutorMessage): boolean {
    if (!this.registered || !this.call) return false;
    this.call.write(message);
    return true;
  }

  /** Messages written to the stream that gRPC has not passed to the socket yet (0 without a stream). */
  backlog(): number {
    return this.call?.writableLength ?? 0;
  }

  close(): void {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    const call = this.call;
    this.call = undefined;
    this.registered = false;
    call?.end();
    call?.cancel();
    this.client?.close();
  }

  private connect(): void {
    if (this.stopped) return;
    this.client?.close();
    const maxBytes = this.opts.maxMessageBytes ?? 20 * 1024 * 1024;
    this.client = new grpc.Client(this.target, this.channelCredentials(), {
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': maxBytes,
    });
    const metadata = new grpc.Metadata();
    metadata.set(CLUSTER_SECRET_METADATA_KEY, this.opts.secret);
    const call = this.client.makeBidiStreamRequest(CONNECT_METHOD_PATH, encodeTaskExecutorMessage, decodeAmMessage, metadata);
    this.call = call;
    call.on('data', (m: AmMessage) => this.onData(call, m));
    call.on('error', (err: grpc.ServiceError) => this.onEnded(call, err.code, err.details || err.message));
    call.on('end', () => this.onEnded(call, grpc.status.OK, 'the AM closed the stream'));
    call.write({ kind: 'register', register: this.opts.registration() });
  }

  private channelCredentials(): grpc.ChannelCredentials {
    const certificate = this.opts.certificate;
    if (!certificate) return grpc.credentials.createInsecure();
    const pinning = certificate.tlsClientOptions(`the AM's TaskExecutor gateway at ${this.target}`);
    return grpc.credentials.createSsl(Buffer.from(pinning.ca), null, null, {
      checkServerIdentity: (host, peer) => {
        const mismatch = pinning.checkServerIdentity(host, peer);
        if (mismatch) this.pinRefused = mismatch.message;
        return mismatch;
      },
    });
  }

  private onData(call: Call, m: AmMessage): void {
    if (call !== this.call) return;
    this.lastContact = this.now();
    if (m.kind === 'registered') {
      const first = !this.registered;
      this.registered = true;
      this.failures = 0;
      if (m.registered.amTimeoutMs > 0) this.amTimeoutMs = m.registered.amTimeoutMs;
      this.heartbeatIntervalMs = Math.max(10, m.registered.heartbeatIntervalMs);
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = setInterval(() => this.send({ kind: 'heartbeat', heartbeat: this.opts.heartbeat() }), this.heartbeatIntervalMs);
      if (first) this.opts.log(`registered with the AM at ${this.target}`);
      return;
    }
    if (m.kind === 'heartbeatAck') return;
    this.opts.onMessage(m);
  }

  private onEnded(call: Call, code: grpc.status, details: string): void {
    if (call !== this.call || this.stopped) return;
    this.call = undefined;
    const wasRegistered = this.registered;
    this.registered = false;
    clearInterval(this.heartbeatTimer);
    if (this.pinRefused !== undefined) {
      const reason = this.pinRefused;
      this.close();
      this.opts.onGiveUp('refused', reason);
      return;
    }
    if (FINAL_CODES.has(code)) {
      this.close();
      this.opts.onGiveUp('refused', `the AM at ${this.target} refused this TaskExecutor: ${details}`);
      return;
    }
    const certificate = this.opts.certificate;
    if (certificate && /certificate|self.signed|ssl|tls/i.test(details)) {
      // The handshake failed on the chain (another self-signed certificate) before the pin was
      // looked at: see what the peer shows, without sending anything, to say which it was.
      void this.probePeer(certificate).then((reason) => {
        if (this.stopped || this.call !== undefined) return;
        if (reason !== undefined) {
          this.close();
          this.opts.onGiveUp('refused', reason);
        } else this.retryLater(wasRegistered, details);
      });
      return;
    }
    this.retryLater(wasRegistered, details);
  }

  /** The pin's refusal when the peer at the target shows another certificate; undefined when it shows the pinned one or cannot be reached. */
  private probePeer(certificate: PinnedCertificate): Promise<string | undefined> {
    const [host, port] = [this.target.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'), Number(/:(\d+)$/.exec(this.target)?.[1])];
    return new Promise((resolve) => {
      const socket = tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
        const mismatch = certificate.mismatch(socket.getPeerCertificate(), `the AM's TaskExecutor gateway at ${this.target}`);
        socket.destroy();
        resolve(mismatch?.message);
      });
      socket.setTimeout(5_000, () => socket.destroy());
      socket.on('error', () => resolve(undefined));
      socket.on('close', () => resolve(undefined));
    });
  }

  private retryLater(wasRegistered: boolean, details: string): void {
    const delay = Math.min(this.opts.backoff?.maxMs ?? 5_000, (this.opts.backoff?.initialMs ?? 100) * 2 ** this.failures);
    this.failures += 1;
    if (wasRegistered || this.failures === 1) this.opts.log(`lost the AM at ${this.target} (${details}); reconnecting`);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    if (this.opts.locate) {
      const found = await this.located(this.opts.locate);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have run while the lookup was awaited
      if (this.stopped) return;
      const target = found && targetOf(found);
      if (target && target !== this.target) {
        this.opts.log(`the AM now serves at ${target} (a new attempt, found in the HA store); connecting there`);
        this.target = target;
        this.failures = 0;
      }
    }
    this.connect();
  }

  /** `locate`'s answer; undefined when it fails or takes too long (the known address is tried meanwhile). */
  private async located(locate: () => Promise<HostPort | undefined>): Promise<HostPort | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.opts.locateTimeoutMs ?? 5_000)));
    try {
      return await Promise.race([locate(), timeout]);
    } catch (err) {
      if (this.failures <= 1) this.opts.log(`could not look up the AM's address in the HA store: ${(err as Error).message}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Gives up after the AM timeout; restarts a stream that went silent (no answer to three heartbeats). */
  private checkContact(): void {
    if (this.stopped) return;
    const silentFor = this.now() - this.lastContact;
    if (silentFor > this.amTimeoutMs) {
      this.close();
      this.opts.onGiveUp(
        'am-timeout',
        `has not reached the AM at ${this.target} for ${silentFor} ms (loom.taskexecutor.am-timeout is ${this.amTimeoutMs} ms)`,
      );
      return;
    }
    if (this.registered && this.heartbeatIntervalMs > 0 && silentFor > 3 * this.heartbeatIntervalMs + 1_000) {
      this.call?.cancel();
    }
  }
}

function targetOf({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
