import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Polled<T> {
  /** The last answer (kept while a later call fails, so the page does not flicker). */
  data: T | undefined;
  /** The last call's failure, cleared by the next success. */
  error: ApiError | undefined;
  /** Calls again now (after an action that changes what is polled). */
  refresh: () => void;
}

/**
 * Calls `load` now and then every `intervalMs` after each answer (never two calls at once), pausing
 * while the tab is hidden and calling again as soon as it is shown. A new `intervalMs` (faster while a
 * training runs) or a new `key` (what `load` asks for, e.g. how many runs) takes effect at once.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key?: unknown): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((value) => value + 1), []);

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    let inFlight = false;
    const run = async () => {
      if (document.hidden || inFlight) return;
      inFlight = true;
      try {
        const answer = await loadRef.current();
        if (cancelled) return;
        setData(answer);
        setError(undefined);
      } catch (caught) {
        if (cancelled) return;
        setError(ApiError.from(caught));
      } finally {
        inFlight = false;
      }
      if (!cancelled) timer = window.setTimeout(() => void run(), intervalMs);
    };
    const onVisibility = () => {
      if (document.hidden) return;
      window.clearTimeout(timer);
      void run();
    };
    void run();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, tick, key]);

  return { data, error, refresh };
}
