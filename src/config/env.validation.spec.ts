import { validateEnvironment } from './env.validation';

describe('validateEnvironment', () => {
  it('accepts an empty environment (every setting has a default)', () => {
    expect(() => validateEnvironment({})).not.toThrow();
  });

  it('accepts well-formed settings', () => {
    const env = {
      PORT: '8080',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      ADMIN_API_KEY: 'a-long-enough-admin-key',
      BODY_LIMIT: '20mb',
    };
    expect(validateEnvironment(env)).toBe(env);
  });

  it('refuses to start with a readable list of every wrong setting', () => {
    expect(() =>
      validateEnvironment({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' }),
    ).toThrow(
      /Invalid environment[\s\S]*PORT="eighty"[\s\S]*DATABASE_URL="mysql:\/\/x"[\s\S]*ADMIN_API_KEY="short"/,
    );
  });

  it('checks the catalog settings: a share, sizes and intervals', () => {
    expect(() =>
      validateEnvironment({
        CATALOG_HARVEST: 'false',
        CATALOG_IMPORT_LIMIT: '500mb',
        CATALOG_MAX_BAD_ROWS: '0.25',
        CATALOG_WATCH_INTERVAL_MS: '0',
      }),
    ).not.toThrow();
    expect(() =>
      validateEnvironment({
        CATALOG_HARVEST: 'yes',
        CATALOG_IMPORT_LIMIT: 'a lot',
        CATALOG_MAX_BAD_ROWS: '2',
      }),
    ).toThrow(
      /CATALOG_HARVEST="yes"[\s\S]*CATALOG_IMPORT_LIMIT="a lot"[\s\S]*CATALOG_MAX_BAD_ROWS="2"/,
    );
  });
});
