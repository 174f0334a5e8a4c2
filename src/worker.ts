import { start } from './main';

/** `npm run start:worker`: an instance that runs queued jobs only (needs REDIS_URL). */
start({ ROLE: 'worker' });
