/**
 * The provider message ids a fake issued per message idempotency key: no bodies, so it stays small
 * over a long bench, and enough to assert "each send reached the provider exactly once".
 */
export interface SendLedger {
  /** key → ids issued for it, in order; a key with two ids was delivered twice. */
  readonly byKey: ReadonlyMap<string, readonly string[]>;
  /** Messages accepted in all (idempotent replays are not new acceptances). */
  readonly accepted: number;
  /** Accepted messages that carried no key. */
  readonly unkeyed: number;
  /** Keys with more than one id, i.e. sends delivered more than once. */
  duplicateKeys(): string[];
  record(key: string | undefined, id: string): void;
  clear(): void;
  /** Counts for `GET /__stats`. */
  summary(): { accepted: number; keys: number; unkeyed: number; duplicates: number };
}

export function createSendLedger(): SendLedger {
  const byKey = new Map<string, string[]>();
  let accepted = 0;
  let unkeyed = 0;
  let duplicates = 0;
  return {
    byKey,
    get accepted() {
      return accepted;
    },
    get unkeyed() {
      return unkeyed;
    },
    duplicateKeys: () => [...byKey].filter(([, ids]) => ids.length > 1).map(([key]) => key),
    record(key, id) {
      accepted += 1;
      if (key === undefined || key === "") {
        unkeyed += 1;
        return;
      }
      const ids = byKey.get(key);
      if (!ids) byKey.set(key, [id]);
      else {
        if (ids.length === 1) duplicates += 1;
        ids.push(id);
      }
    },
    clear() {
      byKey.clear();
      accepted = 0;
      unkeyed = 0;
      duplicates = 0;
    },
    summary: () => ({ accepted, keys: byKey.size, unkeyed, duplicates }),
  };
}
