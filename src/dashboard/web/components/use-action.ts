import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Action {
  /** Which action runs now (e.g. the model being activated), undefined when none. */
  busy: string | undefined;
  /** The last action's failure, cleared when the next one starts. */
  error: ApiError | undefined;
  /** Runs `call` as the action `id`; resolves its answer, or undefined when it failed. */
  run: <T>(id: string, call: () => Promise<T>) => Promise<T | undefined>;
}

/** A button's call to the service: busy while it runs, its failure kept to show. */
export function useAction(): Action {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const run = async <T>(id: string, call: () => Promise<T>): Promise<T | undefined> => {
    setError(undefined);
    setBusy(id);
    try {
      return await call();
    } catch (caught) {
      setError(ApiError.from(caught));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, error, run };
}
