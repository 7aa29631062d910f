/** Milliseconds as answers, health checks and Server-Timing report them: to the microsecond. */
export const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/** Milliseconds since `started` (a `performance.now()` reading), rounded like `roundMs`. */
export const msSince = (started: number) => roundMs(performance.now() - started);

/** Scores and reason values as answers report them: six decimals. */
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
