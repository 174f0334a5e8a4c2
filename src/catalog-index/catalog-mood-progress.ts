import { Injectable } from '@nestjs/common';

export type CatalogMoodStatus = 'no_model' | 'waiting' | 'scoring' | 'done';

/** How far this instance's in-memory index is in predicting its tracks' moods (GET /catalog). */
export interface CatalogMoodProgressView {
  status: CatalogMoodStatus;
  /** The model whose moods are being (or were) predicted; null while no model is active. */
  model_id: string | null;
  /** Tracks of the current pass done so far. */
  scored: number;
  /** Tracks the current pass scores (every track after a model change, new ones otherwise). */
  to_score: number;
  /** Milliseconds the last finished pass took. */
  last_pass_ms: number | null;
  updated_at: string;
}

/** How far CatalogMoodScorer is: it writes here, others read it through CatalogIndexStatus. */
@Injectable()
export class CatalogMoodProgress {
  private state: CatalogMoodProgressView = {
    status: 'waiting',
    model_id: null,
    scored: 0,
    to_score: 0,
    last_pass_ms: null,
    updated_at: new Date().toISOString(),
  };

  get view(): CatalogMoodProgressView {
    return this.state;
  }

  update(change: Partial<Omit<CatalogMoodProgressView, 'updated_at'>>): void {
    this.state = { ...this.state, ...change, updated_at: new Date().toISOString() };
  }
}
