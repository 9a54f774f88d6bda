// A bounded de-duplication store for idempotent consumers: the keys of messages already
// handled (messageId or a business key), at most `maxEntries` of them and none older than
// `maxAgeMs`. A duplicate that arrives after its key was forgotten is handled again, so the
// limits must cover how late a duplicate can come (the longest redelivery or retry delay).
//
// It lives in the consumer's memory: it survives a broker restart, not a consumer crash. A
// store that must survive the consumer lives beside the work's own data and is written in the
// same transaction (a unique key on the orders table does the same job).

export interface DedupStoreOptions {
  /** Keys kept at most; the oldest are forgotten first. */
  maxEntries: number;
  /** Keys older than this are forgotten (ms). */
  maxAgeMs: number;
  /** The clock (default Date.now); tests pass their own. */
  now?: () => number;
}

export interface DedupStats {
  size: number;
  /** Keys seen for the first time (work ran). */
  firstSeen: number;
  /** Duplicates recognised (work skipped). */
  duplicates: number;
  /** Keys forgotten because the store was full. */
  evicted: number;
  /** Keys forgotten because they were too old. */
  expired: number;
}

export type OnceResult<T> = { ran: true; value: T } | { ran: false; reason: "duplicate" | "in progress" };

export class DedupStore {
  private readonly keys = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly now: () => number;
  private counts = { firstSeen: 0, duplicates: 0, evicted: 0, expired: 0 };

  constructor(readonly options: DedupStoreOptions) {
    if (!(options.maxEntries >= 1)) throw new Error(`maxEntries must be at least 1; got ${options.maxEntries}`);
    if (!(options.maxAgeMs > 0)) throw new Error(`maxAgeMs must be more than 0; got ${options.maxAgeMs}`);
    this.now = options.now ?? Date.now;
  }

  /** True when `key` was remembered and is not yet forgotten. */
  has(key: string): boolean {
    this.forgetOld();
    return this.keys.has(key);
  }

  /** Records `key` as handled (now). */
  remember(key: string): void {
    this.forgetOld();
    this.keys.delete(key);
    this.keys.set(key, this.now());
    while (this.keys.size > this.options.maxEntries) {
      const oldest = this.keys.keys().next().value as string;
      this.keys.delete(oldest);
      this.counts.evicted++;
    }
  }

  /**
   * Runs `work` unless `key` was handled already or is being handled right now. The key is
   * remembered only when the work succeeds: work that throws may run again on redelivery.
   */
  async once<T>(key: string, work: () => T | Promise<T>): Promise<OnceResult<T>> {
    if (this.running.has(key)) return { ran: false, reason: "in progress" };
    if (this.has(key)) {
      this.counts.duplicates++;
      return { ran: false, reason: "duplicate" };
    }
    const done = (value: T): OnceResult<T> => {
      this.remember(key);
      this.counts.firstSeen++;
      return { ran: true, value };
    };
    const result = work();
    // Work that is not asynchronous is remembered in the same step: no other delivery can come
    // in between, as with a database write in the same transaction as the work.
    if (!isPromiseLike(result)) return done(result);
    this.running.add(key);
    try {
      return done(await result);
    } finally {
      this.running.delete(key);
    }
  }

  get size(): number {
    this.forgetOld();
    return this.keys.size;
  }

  stats(): DedupStats {
    return { size: this.size, ...this.counts };
  }

  clear(): void {
    this.keys.clear();
    this.counts = { firstSeen: 0, duplicates: 0, evicted: 0, expired: 0 };
  }

  private forgetOld(): void {
    const oldestAllowed = this.now() - this.options.maxAgeMs;
    for (const [key, at] of this.keys) {
      // Insertion order is age order: stop at the first key young enough.
      if (at > oldestAllowed) break;
      this.keys.delete(key);
      this.counts.expired++;
    }
  }
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
