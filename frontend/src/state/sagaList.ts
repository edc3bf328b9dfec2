/**
 * The sagas the page lists (newest first): the one selected shows open, the others as one-line
 * summaries. The list is bounded; older sagas stay in the orders list.
 */

export const MAX_LISTED = 12;

export interface SagaList {
  readonly ids: readonly string[];
  /** Whether older sagas fell off the end. */
  readonly trimmed: boolean;
}

export const emptySagaList: SagaList = { ids: [], trimmed: false };

/** The list with `sagaId` in it: where it is already, else first (the newest). */
export function withSaga(list: SagaList, sagaId: string, max = MAX_LISTED): SagaList {
  if (list.ids.includes(sagaId)) return list;
  const ids = [sagaId, ...list.ids];
  return ids.length > max
    ? { ids: ids.slice(0, max), trimmed: true }
    : { ids, trimmed: list.trimmed };
}

/** The list without `sagaId`, and its neighbour (the next one, else the one before), if any. */
export function withoutSaga(
  list: SagaList,
  sagaId: string,
): { list: SagaList; neighbour: string | null } {
  const index = list.ids.indexOf(sagaId);
  if (index < 0) return { list, neighbour: null };
  const ids = list.ids.filter((id) => id !== sagaId);
  return { list: { ...list, ids }, neighbour: ids[index] ?? ids[index - 1] ?? null };
}
