/**
 * The dashboard's one way to the service: every call the page makes is a function here, same-origin
 * (the page is served by the service, and its Content-Security-Policy allows no other origin), JSON in
 * and out, failures as ApiError carrying the service's error body.
 */
import type {
  CatalogFormat,
  CatalogImport,
  CatalogImportList,
  CatalogSummary,
  ErrorBody,
  Health,
  MoodModel,
  MoodPrediction,
  Recommendations,
  TrainingRun,
  TrainingRunList,
  TrendsAnswer,
} from './types';

const API = '/api/v1';

/** A call that failed: the service's error body when it sent one (status 0: no answer at all). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.body?.code;
  }

  /** Whatever a call threw, as an ApiError (a bug in the page becomes one without a status). */
  static from(thrown: unknown): ApiError {
    return thrown instanceof ApiError ? thrown : new ApiError(0, null, String(thrown));
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST';
  /**
   * Sent as JSON; a File or Blob is sent as is (streamed by the browser), with its own type as
   * Content-Type unless `headers` name one.
   */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Admin calls: sent as X-API-Key, never kept by this module. */
  adminKey?: string;
  /** Statuses whose body is an answer, not a failure (e.g. /health's 503 while a check is down). */
  answerStatuses?: number[];
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (options.adminKey !== undefined) headers['X-API-Key'] = options.adminKey;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
    });
  } catch {
    throw new ApiError(0, null, 'The service did not answer (is it running?)');
  }
  const answer = await readJson(response);
  if (response.ok || options.answerStatuses?.includes(response.status)) return answer as T;
  const errorBody = isErrorBody(answer) ? answer : null;
  throw new ApiError(
    response.status,
    errorBody,
    errorBody?.message ?? `The service answered ${response.status} ${response.statusText}`,
  );
}

function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function readJson(response: Response): Promise<unknown> {
  if (!response.headers.get('content-type')?.includes('json')) return null;
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

/** What an import is told about its file: its format (else recognised) and a source label. */
export interface ImportOptions {
  format?: CatalogFormat;
  source?: string;
}

/**
 * How a file is sent: Content-Type by its extension (CSV, NDJSON, JSON), and a `.gz` file as is with
 * Content-Encoding gzip (the service inflates it as it streams).
 */
export function uploadHeaders(fileName: string): Record<string, string> {
  const name = fileName.toLowerCase();
  const gzip = name.endsWith('.gz');
  const plain = gzip ? name.slice(0, -3) : name;
  const type =
    plain.endsWith('.ndjson') || plain.endsWith('.jsonl')
      ? 'application/x-ndjson'
      : plain.endsWith('.json')
        ? 'application/json'
        : 'text/csv';
  return gzip ? { 'Content-Type': type, 'Content-Encoding': 'gzip' } : { 'Content-Type': type };
}

/** Options of POST /metrics: horizon and uncertainty interval. */
export interface TrendQuery {
  periods: number;
  freq: string;
  interval: number;
}

export const api = {
  /** Service health; a 503 (a check is down) is an answer too. */
  health: () => request<Health>('/health', { answerStatuses: [503] }),

  /** The active mood model, or null before the first one (404 NO_ACTIVE_MODEL). */
  activeModel: async (): Promise<MoodModel | null> => {
    try {
      return await request<MoodModel>(`${API}/mood/model`);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NO_ACTIVE_MODEL') return null;
      throw error;
    }
  },

  trainingRuns: (limit: number, offset = 0) =>
    request<TrainingRunList>(`${API}/mood/runs`, { query: { limit, offset } }),

  trainingRun: (id: string) => request<TrainingRun>(`${API}/mood/runs/${encodeURIComponent(id)}`),

  /** (admin) Makes a model version (a run's model_id) the active one. */
  activateModel: (modelId: string, adminKey: string) =>
    request<MoodModel>(`${API}/mood/models/${encodeURIComponent(modelId)}/activate`, {
      method: 'POST',
      adminKey,
    }),

  /** (admin) Starts a training on the default dataset; answers the queued run at once (202). */
  retrainOnDefaultDataset: (adminKey: string) =>
    request<TrainingRun>(`${API}/default_train_mood`, {
      adminKey,
      headers: { Prefer: 'respond-async' },
    }),

  // The calls that take a listening history: any shape the service reads (audio-feature rows, ids,
  // Spotify answers, exports, listens), as a value sent as JSON, or as a Blob of JSON or JSON Lines
  // text typed as such.

  /** Prophet's trend of each audio feature, with the forecast's uncertainty interval. */
  trends: (history: unknown, query: TrendQuery) =>
    request<TrendsAnswer>(`${API}/metrics`, { method: 'POST', body: history, query: { ...query } }),

  predictMood: (history: unknown) =>
    request<MoodPrediction>(`${API}/predict_mood`, { method: 'POST', body: history }),

  /** The songs that fit a listening history (its trend, mood and latest tracks), with reasons. */
  recommend: (history: unknown, query: Pick<TrendQuery, 'periods' | 'freq'>) =>
    request<Recommendations>(`${API}/recommendations`, {
      method: 'POST',
      body: history,
      query: { explain: true, periods: query.periods, freq: query.freq },
    }),

  /** Counts, genres, feature coverage and sources of the catalog. */
  catalog: () => request<CatalogSummary>(`${API}/catalog`),

  catalogImports: (limit: number) =>
    request<CatalogImportList>(`${API}/catalog/imports`, { query: { limit } }),

  /**
   * (admin) Imports a catalog file: the File itself is the body, so the browser streams it from disk
   * (never read into the page). Waits for the import's end and answers it (201).
   */
  importCatalog: (file: File, options: ImportOptions, adminKey: string) =>
    request<CatalogImport>(`${API}/catalog/imports`, {
      method: 'POST',
      body: file,
      headers: uploadHeaders(file.name),
      query: { format: options.format, source: options.source },
      adminKey,
    }),
};
