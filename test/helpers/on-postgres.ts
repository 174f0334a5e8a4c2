import { Client } from 'pg';

/** Runs `work` on one connection to the PostgreSQL database at `url`, and closes it after. */
export async function onPostgres<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
