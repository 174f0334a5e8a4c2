import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/**
 * The built service, started with wrong settings, must refuse at once: exit code 1 and the readable
 * list of what is wrong, with no stack trace. Built here into a temporary folder (without the type
 * check, which `npm run build` and lint already do) so the test needs no earlier build.
 */
describe('starting the built service with a wrong setting', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'spotify-recommender-build-'));
    const tsc = require.resolve('typescript/bin/tsc');
    execFileSync(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--noCheck'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }, 120_000);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with code 1, printing each wrong setting and no stack trace', () => {
    const started = spawnSync(process.execPath, [join(outDir, 'src', 'main.js')], {
      // A folder without a .env file; modules come from the repository's node_modules.
      cwd: outDir,
      env: {
        PATH: process.env.PATH,
        NODE_PATH: join(ROOT, 'node_modules'),
        DATA_DIR: join(outDir, 'data'),
        CATALOG_STARTER_URL: '',
        MOOD_DATASET_URL: '',
        PORT: 'eighty',
        DB_LOGGING: 'yes',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toBe(
      'Invalid environment, the service cannot start:\n' +
        '  - PORT="eighty": PORT must be an integer number\n' +
        '  - DB_LOGGING="yes": DB_LOGGING must be true or false\n',
    );
    expect(started.stdout).toBe('');
  });
});
