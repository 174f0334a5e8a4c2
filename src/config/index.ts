export * from './app.config';
export * from './database.config';
export * from './env.validation';
export * from './mood.config';
