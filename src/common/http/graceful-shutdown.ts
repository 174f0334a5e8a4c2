import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often connections left idle while the service stops are closed. */
const IDLE_CLOSE_EVERY_MS = 500;

/**
 * Stops the service on SIGTERM or SIGINT without cutting off what it accepted: it stops accepting
 * connections, answers every request that reaches it (each answer with `Connection: close`, so
 * that clients go elsewhere for the next one), closes connections left idle, and only then closes
 * the app (jobs, workers, the database). It exits 0 when all of that took less than SHUTDOWN_TIMEOUT;
 * past it, the connections still open are cut and it exits 1.
 *
 * Made by main.ts before the app listens (the hook below must be added before), and only there:
 * tests close their apps themselves.
 */
export class GracefulShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private stopping = false;

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly timeoutMs: number,
  ) {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onSend', (_request, reply, payload, done) => {
        if (this.stopping) void reply.header('connection', 'close');
        done(null, payload);
      });
  }

  /** Stops on the first of `signals`; a second one ends the process at once. */
  listen(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.stopping) {
        this.logger.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      void this.stop(signal).then((code) => process.exit(code));
    };
    for (const signal of signals) process.on(signal, onSignal);
  }

  /** Drains and closes as described above; resolves the exit code. */
  async stop(reason: string): Promise<number> {
    this.stopping = true;
    const started = Date.now();
    // What closing the app itself (jobs, workers, connections) is left of the timeout.
    const closeAllowance = Math.min(5_000, this.timeoutMs / 5);
    const server = this.app.getHttpAdapter().getInstance().server;
    this.logger.log(
      `${reason}: no longer accepting connections; finishing the requests under way (SHUTDOWN_TIMEOUT ${this.timeoutMs} ms)`,
    );
    // net.Server's close, not http.Server's: the latter also closes idle keep-alive connections at
    // once, and a client sending its next request on one just then would see it reset. Idle ones
    // are closed a moment later instead, after requests already on their way have been answered.
    const drained = new Promise<true>((resolve) =>
      NetServer.prototype.close.call(server, () => resolve(true)),
    );
    const closingIdle = setInterval(() => server.closeIdleConnections(), IDLE_CLOSE_EVERY_MS);
    const inTime = await Promise.race([drained, sleep(this.timeoutMs - closeAllowance, false)]);
    clearInterval(closingIdle);
    if (!inTime) {
      this.logger.warn('Requests still running at SHUTDOWN_TIMEOUT: closing their connections');
      server.closeAllConnections();
    }
    const closed = await Promise.race([
      this.app.close().then(() => true),
      sleep(Math.max(0, started + this.timeoutMs - Date.now()), false),
    ]);
    if (!closed) this.logger.error('The app did not close within SHUTDOWN_TIMEOUT');
    const code = inTime && closed ? 0 : 1;
    this.logger.log(`Stopped after ${Date.now() - started} ms (exit code ${code})`);
    return code;
  }
}
