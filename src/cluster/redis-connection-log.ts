import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * Logs a Redis connection's loss once, not at every reconnection attempt (ioredis retries every
 * ≤ 2 s and reports each failure), and its return; and listens to its 'error' events, which ioredis
 * otherwise prints as "Unhandled error event".
 */
export function logRedisConnection(connection: Redis, logger: Logger, what: string): void {
  let lost = false;
  connection.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    logger.warn(`${what}: Redis is not reachable (${error.message}); reconnecting`);
  });
  connection.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.log(`${what}: Redis is reachable again`);
  });
}
