import { ServiceUnavailableError } from '../common/errors';

/** What a client is told to wait before it tries again while Redis is away. */
const QUEUE_RETRY_AFTER_SECONDS = 5;

/**
 * 503 QUEUE_UNAVAILABLE: the job queue (Redis, REDIS_URL) cannot be reached, or did not answer in
 * time. Nothing was queued; the call may be sent again as is once Redis is back.
 */
export class QueueUnavailableError extends ServiceUnavailableError {
  override retryAfterSeconds = QUEUE_RETRY_AFTER_SECONDS;

  constructor(cause: string) {
    super(
      `The job queue (Redis) is not reachable right now (${cause}); nothing was queued. Try again shortly.`,
      'QUEUE_UNAVAILABLE',
    );
  }
}
