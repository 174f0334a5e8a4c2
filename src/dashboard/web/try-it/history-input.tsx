import { useState } from 'preact/hooks';
import sampleHistory from './sample-history.json';

/**
 * Where a listening history comes in: typed or pasted, read from a JSON file, or the bundled sample
 * (eight made-up tracks, one a minute, winding down from energetic to quiet).
 */
export function HistoryInput(props: {
  text: string;
  onText: (text: string) => void;
  describedBy?: string;
}) {
  const [fileNote, setFileNote] = useState('');

  const readFile = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    props.onText(await file.text());
    setFileNote(`Read ${file.name} (${Math.ceil(file.size / 1024)} KB).`);
  };

  return (
    <div class="history-input">
      <label for="history-text">Tracks as JSON</label>
      <p id="history-help" class="muted">
        A JSON array of tracks, <code>{'{"tracks": [...]}'}</code>, or pandas columns (
        <code>{'{"danceability": {"0": 0.78}, ...}'}</code>). Each track: Spotify&apos;s audio
        features and a play time (<code>played_at</code> or <code>ts</code>).
      </p>
      <textarea
        id="history-text"
        rows={10}
        wrap="off"
        spellcheck={false}
        value={props.text}
        aria-describedby={['history-help', props.describedBy].filter(Boolean).join(' ')}
        onInput={(event) => props.onText((event.target as HTMLTextAreaElement).value)}
      />
      <div class="input-actions">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            props.onText(JSON.stringify(sampleHistory, null, 2));
            setFileNote('Loaded the sample history.');
          }}
        >
          Load sample history
        </button>
        <label class="file-label">
          <span>Or read a JSON file</span>
          <input
            type="file"
            accept=".json,application/json"
            onChange={(event) => void readFile(event)}
          />
        </label>
      </div>
      <p class="muted" role="status">
        {fileNote}
      </p>
    </div>
  );
}
