export * from './app.config';
export * from './database.config';
export * from './env.validation';
export * from './similarity.config';
export * from './mood.config';
export * from './trends.config';
