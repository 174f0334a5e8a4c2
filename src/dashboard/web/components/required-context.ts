import type { Context } from 'preact';
import { useContext } from 'preact/hooks';

/** A hook reading a context that a provider must supply, failing clearly where it is missing. */
export function requiredContext<T>(context: Context<T | null>, provider: string): () => T {
  return () => {
    const value = useContext(context);
    if (value === null) throw new Error(`This component needs a <${provider}> above it`);
    return value;
  };
}
