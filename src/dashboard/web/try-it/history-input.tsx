import { useState } from 'preact/hooks';
import { bytes } from '../format';
import sampleHistory from './sample-history.json';
import sampleIds from './sample-ids.json';

/** A history held but not shown: a file (or a large paste) would make the text box crawl. */
export interface HeldHistory {
  name: string;
  /** Bytes of a file; a paste is counted in characters. */
  size: number | undefined;
  characters: number;
  text: string;
}

/** A paste longer than this is held like a file rather than drawn in the text box. */
const LARGEST_SHOWN_PASTE = 256 * 1024;

/**
 * Where a listening history comes in: typed or pasted, a file chosen or dropped (JSON or JSON Lines,
 * read whole with File.text() and held, never drawn into the text box), or one of two samples:
 * eight made-up tracks with their audio features, one a minute, winding down from energetic to
 * quiet; or eight catalog tracks by id, URI and link, for the service to look up.
 */
export function HistoryInput(props: {
  text: string;
  onText: (text: string) => void;
  held: HeldHistory | undefined;
  onHeld: (held: HeldHistory | undefined) => void;
  describedBy?: string;
}) {
  const [note, setNote] = useState('');
  const [dragging, setDragging] = useState(false);

  const readFile = async (file: File) => {
    setNote(`Reading ${file.name} (${bytes(file.size)})…`);
    const text = await file.text();
    props.onHeld({ name: file.name, size: file.size, characters: text.length, text });
    setNote(`Read ${file.name} (${bytes(file.size)}).`);
  };

  const loadSample = (sample: unknown, what: string) => {
    props.onHeld(undefined);
    props.onText(JSON.stringify(sample, null, 2));
    setNote(`Loaded the ${what}.`);
  };

  const onPaste = (event: ClipboardEvent) => {
    const file = event.clipboardData?.files[0];
    const text = event.clipboardData?.getData('text') ?? '';
    if (file) {
      event.preventDefault();
      void readFile(file);
    } else if (text.length > LARGEST_SHOWN_PASTE) {
      event.preventDefault();
      props.onHeld({ name: 'Pasted text', size: undefined, characters: text.length, text });
      setNote('Pasted a long text: it is held, not shown.');
    }
  };

  const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

  return (
    <div
      class={dragging ? 'history-input dropping' : 'history-input'}
      data-testid="history-drop"
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault(); // accepts the drop
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        setDragging(false);
        const file = event.dataTransfer?.files[0];
        if (!file) return;
        event.preventDefault(); // the browser would open the file instead
        void readFile(file);
      }}
    >
      <label for="history-text">History as JSON or JSON Lines</label>
      <p id="history-help" class="muted">
        Paste, type or drop a file: audio-feature rows (an array, <code>{'{"tracks": [...]}'}</code>{' '}
        or pandas columns), Spotify track ids, <code>spotify:track:</code> URIs or open.spotify.com
        links (bare, or as <code>{'{"id": ..., "played_at": ...}'}</code>), a Spotify Web API answer
        (recently played, top or saved tracks, playlist items), Spotify&apos;s streaming history
        export (Extended or Account data), or ListenBrainz listens. The service recognises the shape
        and looks tracks up in its catalog; the trend needs play times.
      </p>
      {props.held ? (
        <div class="held-history" data-testid="held-history">
          <span>
            <strong>{props.held.name}</strong>{' '}
            <span class="muted">
              {props.held.size === undefined
                ? `${props.held.characters.toLocaleString('en')} characters`
                : bytes(props.held.size)}
              , held as is (not shown)
            </span>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              props.onHeld(undefined);
              setNote('');
            }}
          >
            Clear
          </button>
        </div>
      ) : (
        <textarea
          id="history-text"
          rows={10}
          wrap="off"
          spellcheck={false}
          value={props.text}
          aria-describedby={['history-help', props.describedBy].filter(Boolean).join(' ')}
          onInput={(event) => props.onText((event.target as HTMLTextAreaElement).value)}
          onPaste={onPaste}
        />
      )}
      <div class="input-actions">
        <button
          type="button"
          class="secondary"
          onClick={() => loadSample(sampleHistory, 'sample history')}
        >
          Load sample history
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => loadSample(sampleIds, 'sample of track ids')}
        >
          Load sample ids
        </button>
        <label class="file-label">
          <span>Or choose a file</span>
          <input
            type="file"
            accept=".json,.jsonl,.ndjson,application/json,application/x-ndjson,text/plain"
            onChange={(event) => {
              const input = event.target as HTMLInputElement;
              const file = input.files?.[0];
              input.value = ''; // choosing the same file again reads it again
              if (file) void readFile(file);
            }}
          />
        </label>
      </div>
      <p class="muted" role="status">
        {note}
      </p>
    </div>
  );
}
