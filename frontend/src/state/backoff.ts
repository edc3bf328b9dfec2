/** How long to wait before reconnecting: exponential, capped, with jitter (pure, for tests). */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;

/**
 * The wait before retry number `retries` (0 for the first): half of the exponential delay for
 * sure, the other half at random, so that many pages that lost one server do not all come back
 * in the same millisecond.
 */
export function backoffDelay(retries: number, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retries));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
