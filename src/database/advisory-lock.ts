import { Client } from 'pg';

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name`, on a connection of its own:
 * every process on the database that asks for the same name waits its turn, and a process that dies
 * holding it releases it with its connection. For start-up steps that must happen once across
 * instances (migrations, the first model).
 */
export async function withAdvisoryLock<T>(
  databaseUrl: string,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a lost connection releases the lock; `work` goes on
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
