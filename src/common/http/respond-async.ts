import { HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

const RESPOND_ASYNC = /(^|[\s,;])respond-async([\s,;]|$)/i;

/** Swagger's description of the `Prefer` header of calls that start long work (RFC 7240). */
export const PREFER_RESPOND_ASYNC_HEADER = {
  name: 'Prefer',
  required: false,
  description:
    '`respond-async`: answer 202 at once with the started work and a Location to poll, instead of waiting for it',
};

/** Long work the caller can wait for, or poll at `location`. */
export interface StartedWork<T> {
  /** The work as recorded when it started. */
  started: T;
  location: string;
  /** Waits for the work; rejects with the project's error when it fails. */
  result(): Promise<T>;
}

/**
 * With `Prefer: respond-async`, 202 at once with the started work; otherwise waits and answers
 * `status` (200, or 201 where the work creates something). Location names where to poll, in both.
 */
export async function answerStartedWork<T>(
  work: StartedWork<T>,
  prefer: string | undefined,
  reply: FastifyReply,
  status: HttpStatus.OK | HttpStatus.CREATED = HttpStatus.OK,
): Promise<T> {
  void reply.header('Location', work.location);
  if (prefer && RESPOND_ASYNC.test(prefer)) {
    void reply.status(HttpStatus.ACCEPTED).header('Preference-Applied', 'respond-async');
    return work.started;
  }
  const finished = await work.result();
  void reply.status(status);
  return finished;
}
