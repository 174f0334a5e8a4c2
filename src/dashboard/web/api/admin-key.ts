/**
 * The admin key the user typed, kept for this browser tab only: sessionStorage dies with the tab and
 * is never shared with other tabs; where the browser refuses storage, memory is used instead. The key
 * is never part of the page's code or URL.
 */
const STORAGE_KEY = 'spotify-recommender.admin-key';
let inMemory: string | null = null;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export const adminKeyStore = {
  get(): string | null {
    try {
      return storage()?.getItem(STORAGE_KEY) ?? inMemory;
    } catch {
      return inMemory;
    }
  },
  set(key: string): void {
    inMemory = key;
    try {
      storage()?.setItem(STORAGE_KEY, key);
    } catch {
      // Storage full or refused: memory keeps it for this page's life.
    }
  },
  clear(): void {
    inMemory = null;
    try {
      storage()?.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
  },
};
