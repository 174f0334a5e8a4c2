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
});
