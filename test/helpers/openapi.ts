/** What the e2e specs read from the service's OpenAPI document (/docs-json). */
interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
}

/**
 * POST routes by the body they take: `json` routes read a JSON body bounded by BODY_LIMIT (or no
 * body); `file` routes stream a file of their own format (the catalog import), bounded by a limit
 * of their own.
 */
export function postRoutes(document: unknown, body: 'json' | 'file'): string[] {
  return Object.entries((document as OpenApiDocument).paths)
    .filter(([, operations]) => operations.post)
    .filter(([, operations]) => {
      const types = Object.keys(operations.post.requestBody?.content ?? {});
      const isJson = types.every((type) => type === 'application/json');
      return body === 'json' ? isJson : !isJson;
    })
    .map(([path]) => path);
}
