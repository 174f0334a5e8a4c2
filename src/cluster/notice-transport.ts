import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { logRedisConnection } from './redis-connection-log';

/** Carries notices between instances: every instance on the channel receives every message. */
export interface NoticeTransport {
  readonly name: 'redis' | 'postgres';
  /** Largest message it carries; a larger notice is sent in a shorter form (see ClusterNotices). */
  readonly maxMessageBytes: number;
  /**
   * Starts receiving: `onMessage` with every message; `onResumed` each time receiving resumes after
   * the connection was lost (messages sent meanwhile never arrive: the receiver catches up).
   */
  start(onMessage: (message: string) => void, onResumed: () => void): Promise<void>;
  send(message: string): Promise<void>;
  /** Whether it can send and receive now (for /health). */
  connected(): boolean;
  stop(): Promise<void>;
}

/** Redis pub/sub: one connection subscribed, one to publish (a subscribed connection cannot). */
export class RedisNoticeTransport implements NoticeTransport {
  readonly name = 'redis';
  private readonly logger = new Logger(RedisNoticeTransport.name);
  readonly maxMessageBytes = 1_000_000;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;

  constructor(
    url: string,
    private readonly channel: string,
  ) {
    // Reconnects on its own; a notice published while disconnected is lost: once the subscriber
    // is back, onResumed tells the receivers to catch up.
    this.subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    // The subscriber subscribes again by itself once Redis is back (ioredis' autoResubscribe).
    logRedisConnection(this.subscriber, this.logger, 'Change notices');
    this.publisher.on('error', () => undefined); // the same loss, logged once by the subscriber's
  }

  async start(onMessage: (message: string) => void, onResumed: () => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) onMessage(message);
    });
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    await this.subscriber.subscribe(this.channel);
    // Every later 'ready' is a reconnection (the subscription is renewed before it is emitted).
    this.subscriber.on('ready', onResumed);
  }

  async send(message: string): Promise<void> {
    await this.publisher.publish(this.channel, message);
  }

  connected(): boolean {
    return this.subscriber.status === 'ready' && this.publisher.status === 'ready';
  }

  async stop(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
    await Promise.resolve();
  }
}

const RECONNECT_DELAY_MS = 1000;

/**
 * PostgreSQL LISTEN/NOTIFY, where there is no Redis: one dedicated connection listens (and is
 * opened again after a failure); notices are sent with pg_notify. A NOTIFY payload holds under 8 kB.
 */
export class PostgresNoticeTransport implements NoticeTransport {
  readonly name = 'postgres';
  readonly maxMessageBytes = 7900;
  private readonly logger = new Logger(PostgresNoticeTransport.name);
  private listener?: Client;
  private sender?: Client;
  private stopped = false;
  /** Since when listening fails (logged once), or null while it listens. */
  private failingSince: number | null = null;
  private onMessage: (message: string) => void = () => undefined;
  private onResumed: () => void = () => undefined;

  constructor(
    private readonly url: string,
    private readonly channel: string,
  ) {}

  async start(onMessage: (message: string) => void, onResumed: () => void): Promise<void> {
    this.onMessage = onMessage;
    this.onResumed = onResumed;
    await this.listen();
  }

  async send(message: string): Promise<void> {
    if (!this.sender) {
      const sender = new Client({ connectionString: this.url });
      sender.on('error', () => {
        if (this.sender === sender) this.sender = undefined;
      });
      this.sender = sender;
      await sender.connect();
    }
    await this.sender.query('SELECT pg_notify($1, $2)', [this.channel, message]);
  }

  connected(): boolean {
    return this.listener !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const clients = [this.listener, this.sender];
    this.listener = this.sender = undefined;
    for (const client of clients) await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (notification) => {
      if (notification.channel === this.channel && notification.payload) {
        this.onMessage(notification.payload);
      }
    });
    client.on('error', (error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.failed(`the listening connection failed (${error.message})`);
      void client.end().catch(() => undefined);
      this.reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      this.listener = client;
      if (this.failingSince !== null) {
        const seconds = Math.round((Date.now() - this.failingSince) / 1000);
        this.failingSince = null;
        this.logger.log(`Change notices: listening again after ${seconds} s`);
        this.onResumed();
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.failed(`cannot listen (${(error as Error).message}); trying every second`);
      this.reconnectLater();
    }
  }

  /** Logs the first failure of an outage only. */
  private failed(why: string): void {
    if (this.failingSince !== null) return;
    this.failingSince = Date.now();
    this.logger.warn(`Change notices: ${why}`);
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    setTimeout(() => void this.listen(), RECONNECT_DELAY_MS).unref();
  }
}
