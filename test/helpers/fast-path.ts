/**
 * The differential run (`SWITCHYARD_FAST_PATH=verify`, part of `npm test`): yoga answers every
 * request and the fast path's answer is computed too and compared byte for byte, so a read the
 * fast path can answer reaches Postgres twice, once per path, each with its own SQL text.
 */
export const VERIFYING = process.env.SWITCHYARD_FAST_PATH === 'verify';

/** How many times (and in how many SQL texts) Postgres sees a read the fast path can answer. */
export const READ_RUNS = VERIFYING ? 2 : 1;
