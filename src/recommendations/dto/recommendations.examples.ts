import metricsExample from '../../../data/examples/metrics.json';

/**
 * POST /recommendations' runnable example: the listening history of POST /metrics' example (the
 * same body, so the answer's targets equal that call's metrics).
 */
export const HISTORY_EXAMPLE = metricsExample;
