import helmet, { type HelmetOptions } from 'helmet';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { helmetHeaders } from './security-headers';

/** The headers helmet itself sets on a real node:http response, as a request would see them. */
async function headersFromHelmet(options: HelmetOptions): Promise<IncomingHttpHeaders> {
  const middleware = helmet(options);
  const server = createServer((req, res) => {
    res.setHeader('x-powered-by', 'something');
    middleware(req, res, () => res.end('ok'));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const headers: IncomingHttpHeaders = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return headers;
  } finally {
    server.close();
  }
}

describe('helmetHeaders', () => {
  const csp = { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } };
  const options: HelmetOptions = { contentSecurityPolicy: csp };

  it('computes, once, exactly the security headers helmet sets on a real response', async () => {
    const real = await headersFromHelmet(options);
    const computed = helmetHeaders(options);
    const transport = ['connection', 'content-length', 'date', 'keep-alive'];
    const expected = Object.fromEntries(
      Object.entries(real).filter(([name]) => !transport.includes(name)),
    );
    expect(computed).toEqual(expected);
    expect(computed['content-security-policy']).toContain("img-src 'self' data:");
    expect(computed['x-content-type-options']).toBe('nosniff');
    expect(computed).not.toHaveProperty('x-powered-by');
  });

  it('follows the options: a header turned off is not set', () => {
    expect(helmetHeaders({ contentSecurityPolicy: csp, xFrameOptions: false })).not.toHaveProperty(
      'x-frame-options',
    );
    expect(helmetHeaders(options)['x-frame-options']).toBe('SAMEORIGIN');
  });
});
