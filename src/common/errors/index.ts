export * from './app-error';
export * from './validation-errors';
export * from './error-body';
export * from './database-unavailable';
export * from './storage-full';
export * from './known-errors';
