import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/** Carries notices between instances: every instance on the channel receives every message. */
export interface NoticeTransport {
  readonly name: 'redis' | 'postgres';
  /** Largest message it carries; a larger notice is sent in a shorter form (see ClusterNotices). */
  readonly maxMessageBytes: number;
  start(onMessage: (message: string) => void): Promise<void>;
  send(message: string): Promise<void>;
  /** Whether it can send and receive now (for /health). */
  connected(): boolean;
  stop(): Promise<void>;
}

/** Redis pub/sub: one connection subscribed, one to publish (a subscribed connection cannot). */
export class RedisNoticeTransport implements NoticeTransport {
  readonly name = 'redis';
  readonly maxMessageBytes = 1_000_000;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;

  constructor(
    url: string,
    private readonly channel: string,
  ) {
    // Reconnects on its own; a notice published while disconnected is lost, which the periodic
    // check of the active model (ModelStore) and the index's reloads make up for.
    this.subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async start(onMessage: (message: string) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) onMessage(message);
    });
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    await this.subscriber.subscribe(this.channel);
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
  private onMessage: (message: string) => void = () => undefined;

  constructor(
    private readonly url: string,
    private readonly channel: string,
  ) {}

  async start(onMessage: (message: string) => void): Promise<void> {
    this.onMessage = onMessage;
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
      this.logger.warn(`Change notices: the listening connection failed (${error.message})`);
      void client.end().catch(() => undefined);
      this.reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`Change notices: cannot listen yet (${(error as Error).message})`);
      this.reconnectLater();
    }
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    setTimeout(() => void this.listen(), RECONNECT_DELAY_MS).unref();
  }
}
