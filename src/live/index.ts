export { LiveScheduler, LiveResult, FIRST_RESULT_GATHER_MS } from './live-scheduler.js';
export type { LiveStats, LiveSchedulerOptions, LiveShare } from './live-scheduler.js';
export { LiveTick } from './live-tick.js';
export type { StatementRunner, TypeOracle, TickStats } from './live-tick.js';
export { ChangeFilter, resultHash } from './live-results.js';
export { multiplexSql, multiplexParameters, splitMemberRows, placeholderSpans, parameterText, parameterCount } from './multiplex.js';
export { createTypeOracle } from './parameter-types.js';
export { ChangeNotifications, notifyDdl, tablesOf, NOTIFY_CHANNEL, NOTIFY_TRIGGER } from './live-notify.js';
export type { ChangeWatch, NotifyOptions } from './live-notify.js';
