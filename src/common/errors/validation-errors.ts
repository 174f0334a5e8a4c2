import type { ValidationError } from 'class-validator';
import type { ErrorDetail } from './app-error';

/**
 * Flattens class-validator's error tree into `{ path, message }` entries whose path reads like the
 * JSON a client sent: `tracks[3].energy`, `artists[0].id`, `limit`.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const path = joinPath(prefix, error.property);
    if (error.value === undefined && error.constraints) {
      details.push({ path, message: 'is required' });
    } else {
      for (const message of Object.values(error.constraints ?? {})) {
        details.push({ path, message: stripPropertyName(message, error.property) });
      }
    }
    if (error.children?.length) {
      details.push(...flattenValidationErrors(error.children, path));
    }
  }
  return details;
}

export function joinPath(prefix: string, property: string | number): string {
  if (typeof property === 'number' || /^\d+$/.test(property)) return `${prefix}[${property}]`;
  if (!/^[A-Za-z_$][\w$]*$/.test(property)) return `${prefix}[${JSON.stringify(property)}]`;
  return prefix ? `${prefix}.${property}` : property;
}

/** class-validator messages start with the property name ("energy must not be greater than 1"). */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
