import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { adminKeyStore } from '../api/admin-key';
import { ApiError } from '../api/client';
import { requiredContext } from './required-context';

interface AdminKeyContextValue {
  /**
   * Runs an admin call with the tab's admin key, asking for the key first when none is kept. A key the
   * service refuses (401) is forgotten, and the ApiError reaches the caller. Resolves `undefined`
   * when the user cancels the question.
   */
  asAdmin: <T>(purpose: string, call: (key: string) => Promise<T>) => Promise<T | undefined>;
  hasKey: boolean;
  forgetKey: () => void;
}

const AdminKeyContext = createContext<AdminKeyContextValue | null>(null);

export const useAdminKey = requiredContext(AdminKeyContext, 'AdminKeyProvider');

interface Question {
  purpose: string;
  answer: (key: string | null) => void;
}

export function AdminKeyProvider({ children }: { children: ComponentChildren }) {
  const [hasKey, setHasKey] = useState(() => adminKeyStore.get() !== null);
  const [question, setQuestion] = useState<Question | null>(null);

  const askForKey = (purpose: string) =>
    new Promise<string | null>((answer) => setQuestion({ purpose, answer }));

  const asAdmin = useCallback(async function <T>(
    purpose: string,
    call: (key: string) => Promise<T>,
  ): Promise<T | undefined> {
    const key = adminKeyStore.get() ?? (await askForKey(purpose));
    if (key === null) return undefined;
    adminKeyStore.set(key);
    setHasKey(true);
    try {
      return await call(key);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        adminKeyStore.clear();
        setHasKey(false);
      }
      throw error;
    }
  }, []);

  const forgetKey = useCallback(() => {
    adminKeyStore.clear();
    setHasKey(false);
  }, []);

  const answer = (key: string | null) => {
    question?.answer(key);
    setQuestion(null);
  };

  return (
    <AdminKeyContext.Provider value={{ asAdmin, hasKey, forgetKey }}>
      {children}
      {question && <AdminKeyDialog purpose={question.purpose} onAnswer={answer} />}
    </AdminKeyContext.Provider>
  );
}

/** A modal question for the key: focus stays inside it, Escape cancels, the key is never shown. */
function AdminKeyDialog(props: { purpose: string; onAnswer: (key: string | null) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const answered = useRef(false);
  const answer = (key: string | null) => {
    if (answered.current) return;
    answered.current = true;
    dialog.current?.close();
    props.onAnswer(key);
  };

  useEffect(() => {
    dialog.current?.showModal();
    input.current?.focus();
  }, []);

  return (
    <dialog
      ref={dialog}
      class="admin-dialog"
      aria-labelledby="admin-dialog-title"
      onClose={() => answer(null)}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          const key = input.current?.value.trim() ?? '';
          if (key) answer(key);
        }}
      >
        <h2 id="admin-dialog-title">Admin key needed</h2>
        <p>
          {props.purpose} is an admin call: it needs the service&apos;s admin key (the{' '}
          <code>ADMIN_API_KEY</code> setting, or the key the service logged at start-up). It is kept
          for this browser tab only.
        </p>
        <label for="admin-key-input">Admin API key</label>
        <input
          id="admin-key-input"
          ref={input}
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
        />
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => answer(null)}>
            Cancel
          </button>
          <button type="submit">Continue</button>
        </div>
      </form>
    </dialog>
  );
}
