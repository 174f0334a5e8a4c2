/**
 * Reads the whole catalog of the configured database (DATABASE_URL, or the SQLite file in DATA_DIR)
 * with CatalogStore.streamAll, as the in-memory index does at start-up, and prints one JSON line:
 * tracks read, wall and CPU milliseconds, RSS at the end. Run by bench/catalog.ts after an import.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CatalogStore } from '../src/catalog/storage/catalog-store';
import { databaseConfig, loadEnvironment } from '../src/config';
import { buildDataSourceOptions } from '../src/database/typeorm.options';

async function main(): Promise<void> {
  const dataSource = new DataSource({
    ...buildDataSourceOptions(databaseConfig(loadEnvironment())),
    migrationsRun: false,
  });
  await dataSource.initialize();
  try {
    const store = new CatalogStore(dataSource);
    const cpu = process.cpuUsage();
    const started = Date.now();
    let tracks = 0;
    for await (const batch of store.streamAll()) tracks += batch.length;
    const used = process.cpuUsage(cpu);
    console.log(
      JSON.stringify({
        tracks,
        wallMs: Date.now() - started,
        cpuMs: Math.round((used.user + used.system) / 1000),
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
