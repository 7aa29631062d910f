/**
 * What a backend's "not configured" implementation throws (store/not-configured.ts and its siblings): the
 * deployment chose to run without it, which is not a failure. Callers that degrade on failure tell the two apart
 * with `instanceof`, so an absent Redis is not counted, logged or alerted on as an outage; `message` says which
 * setting would enable it.
 */
export class NotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotConfiguredError";
  }
}

/** A "not configured" backend's method: every call refuses with `detail` (which setting would enable it). */
export const refuseNotConfigured = (detail: string) => async (): Promise<never> => {
  throw new NotConfiguredError(detail);
};
