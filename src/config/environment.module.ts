import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import type { ConfigNamespace } from './config-namespace';
import { Environment } from './environment';

/**
 * Hands one validated Environment to every module, and registers the app-wide namespaces with
 * @nestjs/config (injectable by key, readable through ConfigService by name). Nothing here reads
 * process.env: main.ts (or a test) validates it first and passes the result in.
 */
@Global()
@Module({})
export class EnvironmentModule {
  static forRoot(
    environment: Environment,
    namespaces: readonly ConfigNamespace<Record<string, unknown>>[],
  ): DynamicModule {
    return {
      module: EnvironmentModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          skipProcessEnv: true,
          load: namespaces.map((namespace) =>
            registerAs(namespace.NAMESPACE, () => namespace(environment)),
          ),
        }),
      ],
      providers: [{ provide: Environment, useValue: environment }],
      exports: [Environment],
    };
  }
}
