/**
 * Counts what peers hold (connections, calls) under several limits at once: one per kind of
 * holder, e.g. `{ all: 512, address: 128, connection: 64 }`. A share is taken under one key of
 * every kind (`{ all: "", address: "10.0.0.7", connection: "10.0.0.7:51234" }`) or not at all.
 */
export class FairShares<K extends string> {
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: Readonly<Record<K, number>>) {}

  /** Takes a share; when a limit is reached, takes nothing and returns that limit's kind. */
  take(keys: Readonly<Record<K, string>>): K | null {
    const kinds = Object.keys(this.limits) as K[];
    const full = kinds.find((k) => (this.held.get(slot(k, keys[k])) ?? 0) >= this.limits[k]);
    if (full !== undefined) return full;
    for (const k of kinds) this.held.set(slot(k, keys[k]), (this.held.get(slot(k, keys[k])) ?? 0) + 1);
    return null;
  }

  /** Gives back a share taken with the same keys. */
  give(keys: Readonly<Record<K, string>>): void {
    for (const k of Object.keys(this.limits) as K[]) {
      const s = slot(k, keys[k]);
      const n = (this.held.get(s) ?? 0) - 1;
      if (n > 0) this.held.set(s, n);
      else this.held.delete(s);
    }
  }

  /** Shares held under `key` of kind `kind`. */
  count(kind: K, key: string): number {
    return this.held.get(slot(kind, key)) ?? 0;
  }

  /** The limit of kind `kind`. */
  limit(kind: K): number {
    return this.limits[kind];
  }
}

const slot = (kind: string, key: string): string => `${kind}\u0000${key}`;
