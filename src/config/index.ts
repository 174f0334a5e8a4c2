export * from './app.config';
export * from './config-namespace';
export * from './database.config';
export * from './environment';
export * from './environment.module';
