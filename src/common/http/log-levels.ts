import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** LOG_LEVEL=warn → ['fatal', 'error', 'warn']; unknown or unset → up to 'log'. */
export function logLevelsFrom(setting: string | undefined): LogLevel[] {
  const index = ORDER.indexOf((setting ?? 'log') as LogLevel);
  return ORDER.slice(0, index < 0 ? 4 : index + 1);
}
