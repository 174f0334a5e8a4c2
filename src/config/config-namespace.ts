import type { FactoryProvider } from '@nestjs/common';
import { getConfigToken } from '@nestjs/config';
import { Environment } from './environment';

/**
 * A typed group of settings read from the validated Environment, injected by its key:
 * `@Inject(moodConfig.KEY) config: ConfigType<typeof moodConfig>`. A domain lists `provider` in its
 * module; app-wide namespaces are registered once by EnvironmentModule.
 */
export interface ConfigNamespace<T> {
  (environment: Environment): T;
  readonly KEY: string;
  readonly NAMESPACE: string;
  readonly provider: FactoryProvider<T>;
}

export function configNamespace<T>(
  namespace: string,
  read: (environment: Environment) => T,
): ConfigNamespace<T> {
  const key = getConfigToken(namespace);
  return Object.assign((environment: Environment) => read(environment), {
    KEY: key,
    NAMESPACE: namespace,
    provider: { provide: key, inject: [Environment], useFactory: read },
  });
}
