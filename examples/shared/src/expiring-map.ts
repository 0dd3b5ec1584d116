/** How often, at most, a write drops the expired entries nobody asked for again. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A Map whose entries expire: what the examples' in-memory session stores keep their sessions in.
 * An expired entry reads as missing (and is dropped then); the ones nobody reads again are dropped
 * by a write at most once a minute, so memory stays bounded without a timer keeping the process up.
 * Hand-written rather than a cache library: the stores need only these three calls, with a time to
 * live per entry, and no size limit that would evict a live session.
 *
 * @example
 * ```ts
 * import { ExpiringMap } from '@ably-chat-auth-examples/shared';
 *
 * const sessions = new ExpiringMap<{ username: string }>();
 * sessions.set('session-id', { username: 'alice' }, 60_000);
 * sessions.get('session-id'); // { username: 'alice' } for the next minute, then undefined
 * ```
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private lastSweep = Date.now();

  /** The value, or undefined when there is none (never set, deleted or expired). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` under `key` for `ttlMs` milliseconds (0 or less: expired already). */
  set(key: string, value: V, ttlMs: number): void {
    const now = Date.now();
    this.sweep(now);
    this.entries.set(key, { value, expires: now + ttlMs });
  }

  /** Removes the entry; removing one that does not exist is not an error. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** How many entries are held, expired ones not swept yet included. */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
