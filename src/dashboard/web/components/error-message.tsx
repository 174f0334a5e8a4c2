import type { ApiError } from '../api/client';

/** A failed call as the service explained it: message, each bad field by path, and the request id. */
export function ErrorMessage({ error, context }: { error: ApiError; context?: string }) {
  const details = Array.isArray(error.body?.details) ? error.body.details : [];
  return (
    <div class="error-message" role="alert">
      <p>
        {context && <strong>{context}: </strong>}
        {error.message}
        {error.code && <span class="error-code"> ({error.code})</span>}
      </p>
      {details.length > 0 && (
        <ul>
          {details.slice(0, 10).map((detail) => (
            <li key={detail.path}>
              <code>{detail.path}</code> {detail.message}
            </li>
          ))}
          {details.length > 10 && <li>… and {details.length - 10} more</li>}
        </ul>
      )}
      {error.body?.requestId && (
        <p class="muted">
          Request id <code>{error.body.requestId}</code> (in the service log)
        </p>
      )}
    </div>
  );
}
