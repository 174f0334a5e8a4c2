import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { type ClusterConfig, clusterConfig } from './cluster.config';
import {
  type NoticeTransport,
  PostgresNoticeTransport,
  RedisNoticeTransport,
} from './notice-transport';

/** What one instance tells the others, by topic. */
export interface NoticeTopics {
  /** The active mood model changed (a training finished, an activation): its id. */
  'mood-model': { modelId: string };
  /** The catalog changed (see CatalogChange). */
  catalog:
    | { type: 'upserted'; ids: string[] }
    | { type: 'removed'; ids: string[] }
    | { type: 'reset'; reason: string };
}
export type NoticeTopic = keyof NoticeTopics;

interface Envelope {
  origin: string;
  topic: NoticeTopic;
  payload: unknown;
}

type Handler<T extends NoticeTopic> = (payload: NoticeTopics[T]) => void;

/**
 * Change notices between the instances of one deployment: over Redis pub/sub where REDIS_URL is set,
 * else over PostgreSQL LISTEN/NOTIFY, else (the embedded SQLite file, a single process) nowhere —
 * this process has already applied its own changes. A notice goes to every other instance once; an
 * instance never receives its own back.
 */
@Injectable()
export class ClusterNotices implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterNotices.name);
  private readonly handlers = new Map<NoticeTopic, Set<Handler<NoticeTopic>>>();
  private readonly catchUps = new Set<() => void>();
  private transport?: NoticeTransport;

  constructor(@Inject(clusterConfig.KEY) private readonly config: ClusterConfig) {}

  async onModuleInit(): Promise<void> {
    const channel = `${this.config.prefix}:notices`;
    if (this.config.redisUrl) {
      this.transport = new RedisNoticeTransport(this.config.redisUrl, channel);
    } else if (this.config.databaseUrl) {
      // A PostgreSQL channel is an identifier: keep it plain.
      this.transport = new PostgresNoticeTransport(
        this.config.databaseUrl,
        channel.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase(),
      );
    } else {
      return;
    }
    await this.transport.start(
      (message) => this.receive(message),
      () => this.resumed(),
    );
    this.logger.log(`Change notices between instances over ${this.transport.name}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport?.stop();
  }

  /** `redis`, `postgres`, or null where this process is the only instance. */
  get transportName(): string | null {
    return this.transport?.name ?? null;
  }

  get connected(): boolean {
    return this.transport?.connected() ?? false;
  }

  /** Whether a notice of `payload` fits in one message of the transport. */
  fits(topic: NoticeTopic, payload: unknown): boolean {
    if (!this.transport) return true;
    return Buffer.byteLength(this.encode(topic, payload)) <= this.transport.maxMessageBytes;
  }

  /** Tells the other instances; a failure to send is logged, never thrown at the change's author. */
  publish<T extends NoticeTopic>(topic: T, payload: NoticeTopics[T]): void {
    if (!this.transport) return;
    this.transport
      .send(this.encode(topic, payload))
      .catch((error: unknown) =>
        this.logger.warn(`Could not send a ${topic} notice: ${(error as Error).message}`),
      );
  }

  /** Notices of `topic` from the other instances; returns the unsubscribe function. */
  subscribe<T extends NoticeTopic>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as Handler<NoticeTopic>);
    return () => set.delete(handler as Handler<NoticeTopic>);
  }

  /**
   * `catchUp` runs each time notices resume after the transport lost its connection (Redis or
   * PostgreSQL away): notices sent meanwhile are lost, so a receiver looks at the database for
   * what changed. Returns the unsubscribe function.
   */
  onResumed(catchUp: () => void): () => void {
    this.catchUps.add(catchUp);
    return () => this.catchUps.delete(catchUp);
  }

  private resumed(): void {
    this.logger.log('Change notices resumed: catching up on changes that may have been missed');
    for (const catchUp of this.catchUps) {
      try {
        catchUp();
      } catch (error) {
        this.logger.error(`Catching up after notices resumed failed: ${(error as Error).message}`);
      }
    }
  }

  private encode(topic: NoticeTopic, payload: unknown): string {
    return JSON.stringify({ origin: this.config.instanceId, topic, payload } satisfies Envelope);
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.logger.warn('Ignored a change notice that is not JSON');
      return;
    }
    if (envelope.origin === this.config.instanceId) return;
    for (const handler of this.handlers.get(envelope.topic) ?? []) {
      try {
        handler(envelope.payload as NoticeTopics[NoticeTopic]);
      } catch (error) {
        this.logger.error(`A ${envelope.topic} notice handler failed: ${(error as Error).message}`);
      }
    }
  }
}
