/**
 * npm run catalog:import -- FILE [--format F] [--source S]
 *
 * Imports a catalog file into the configured database (DATABASE_URL, or the SQLite file in
 * DATA_DIR), after running pending migrations as the service does. The import is recorded like one
 * made through the API; a progress bar shows rows, rows/s and ETA on a terminal, plain lines
 * otherwise. A gzip file (`.gz`) is recognised by its bytes. Exit code 0 when it succeeded.
 */
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SingleBar } from 'cli-progress';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterConfig } from '../cluster/cluster.config';
import { AppError } from '../common/errors';
import { databaseConfig, type Environment, EnvironmentModule, loadEnvironment } from '../config';
import { DatabaseModule } from '../database/database.module';
import { CATALOG_ENTITIES, CATALOG_IMPORT_PROVIDERS } from './catalog.module';
import type { CatalogImportProgress } from './catalog-import.entity';
import type { CatalogImportResponseDto } from './dto/catalog-import-response.dto';
import { CATALOG_FORMATS, type CatalogFormat } from './formats/catalog-formats';
import { CatalogImportsService } from './imports/catalog-imports.service';

const USAGE = `Usage: npm run catalog:import -- FILE [--format ${CATALOG_FORMATS.join('|')}] [--source LABEL]`;
const PLAIN_PROGRESS_INTERVAL_MS = 5000;
const BAR_INTERVAL_MS = 200;

/**
 * The import's share of the service: the same settings, database (migrations run) and importer,
 * and the cluster's JOB_STALL_TIMEOUT, after which it ends failed an import whose process is gone.
 */
@Module({})
class CatalogImportCliModule {
  static register(environment: Environment): DynamicModule {
    return {
      module: CatalogImportCliModule,
      imports: [
        EnvironmentModule.forRoot(environment, [databaseConfig]),
        DatabaseModule,
        TypeOrmModule.forFeature(CATALOG_ENTITIES),
      ],
      providers: [...CATALOG_IMPORT_PROVIDERS, clusterConfig.provider],
    };
  }
}

interface Arguments {
  file: string;
  format?: CatalogFormat;
  source: string;
}

function parseArguments(argv: string[]): Arguments {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      source: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) throw new UsageError(USAGE);
  const format = values.format as CatalogFormat | undefined;
  if (format && !CATALOG_FORMATS.includes(format)) {
    throw new UsageError(`Unknown format ${format}. ${USAGE}`);
  }
  const file = positionals[0];
  return { file, format, source: values.source ?? basename(file) };
}

class UsageError extends Error {}

/** A bar on a terminal; a line every few seconds otherwise (logs, CI). */
function progressReporter(totalBytes: number): {
  update(progress: CatalogImportProgress): void;
  stop(): void;
} {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: ' {bar} {percentage}% | {rows} rows | {rps} rows/s | ETA {eta_formatted} | {phase}',
      hideCursor: true,
    });
    bar.start(totalBytes, 0, { rows: 0, rps: 0, phase: 'reading' });
    let last = 0;
    return {
      update: (p) => {
        // The bar's ETA is the rate over its last 10 updates: told of every batch (hundreds a
        // second) they would span a few ms, in which the bytes read often do not move at all.
        if (p.phase === 'reading' && Date.now() - last < BAR_INTERVAL_MS) return;
        last = Date.now();
        bar.update(p.bytes_read, { rows: p.rows_read, rps: p.rows_per_second, phase: p.phase });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (p) => {
      if (Date.now() - last < PLAIN_PROGRESS_INTERVAL_MS && p.phase === 'reading') return;
      last = Date.now();
      const share = totalBytes > 0 ? ` (${Math.floor((p.bytes_read / totalBytes) * 100)}%)` : '';
      const eta =
        p.rows_per_second > 0 && p.bytes_read > 0 && totalBytes > p.bytes_read
          ? `, ETA ${Math.ceil(((totalBytes - p.bytes_read) / p.bytes_read) * (p.rows_read / p.rows_per_second))} s`
          : '';
      process.stderr.write(
        `catalog import: ${p.phase}, ${p.rows_read} rows${share}, ${p.rows_per_second} rows/s${eta}\n`,
      );
    },
    stop: () => undefined,
  };
}

function summaryLines(view: CatalogImportResponseDto): string {
  const lines = [
    `Import ${view.id} ${view.status}: ${view.format}, ${view.rows_read} rows in ${view.duration_ms} ms`,
    `  tracks added ${view.tracks_added}, updated ${view.tracks_updated}, unchanged ${view.tracks_unchanged}; rows skipped ${view.rows_skipped}`,
  ];
  for (const skip of view.skipped.slice(0, 10)) lines.push(`  line ${skip.line}: ${skip.reason}`);
  if (view.rows_skipped > 10) lines.push(`  … (GET /api/v1/catalog/imports/${view.id} lists 100)`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: Arguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const size = statSync(args.file).size;
  const environment = loadEnvironment();
  const app = await NestFactory.createApplicationContext(
    CatalogImportCliModule.register(environment),
    {
      logger: ['error', 'warn'],
    },
  );
  app.enableShutdownHooks();
  const progress = progressReporter(size);
  try {
    const view = await app
      .get(CatalogImportsService)
      .importStream(createReadStream(args.file, { highWaterMark: 1 << 20 }), {
        source: args.source,
        format: args.format,
        contentEncoding: 'auto',
        sizeHint: size,
        origin: 'cli',
        onProgress: (p) => progress.update(p),
      });
    progress.stop();
    console.log(summaryLines(view));
    return 0;
  } catch (error) {
    progress.stop();
    if (!(error instanceof AppError)) throw error;
    console.error(`Import failed (${error.code}): ${error.message}`);
    return 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
