// Leases on executions: who polls each one. A claim is SET NX PX with a token of its own, so a
// claim answered after its wait left, or after it timed out (a SET NX that arrives late), is
// released by that token and never outlives the wait. Held leases are renewed every third of
// leaseMs, and confirmed again before a poll when the last confirmation is older than half of
// it (the process may have been paused: a fencing check). Only the holder's token renews or
// deletes a lease.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { withTimeout } from './away.js';
import type { RedisHealth } from './health.js';

// Compare-and-renew and compare-and-delete.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[2], ARGV[3])
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[2], ARGV[2])
  return redis.call('del', KEYS[1])
end
return 0`;

/** What a lease is on: an execution's poll in this process. */
export interface Leased {
  readonly key: string;
  /** Set when nobody here waits for it any more. */
  readonly gone: boolean;
}

interface Hold {
  token: string;
  /** When the last command that found the lease ours was sent: it is held until at least leaseMs after. */
  confirmedAt: number;
}

export class Leases {
  readonly #held = new Map<Leased, Hold>();
  /** Tokens of claims whose answer never came (or came after the wait left): released when Redis answers. */
  readonly #doubtful = new Map<string, Leased>();
  readonly #self = randomUUID();
  #claims = 0;
  #closed = false;
  #renewing: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly redis: Redis,
    readonly health: RedisHealth,
    readonly prefix: string,
    readonly leaseMs: number,
  ) {}

  holds(poll: Leased): boolean {
    return this.#held.has(poll);
  }

  /** Takes the lease if nobody holds it (rejects with RedisAwayError: then releases what the claim may take). */
  async claim(poll: Leased): Promise<boolean> {
    if (poll.gone) {
      return false;
    }
    const token = `${this.#self}:${++this.#claims}`;
    const sentAt = Date.now();
    let taken: boolean;
    try {
      taken =
        (await this.health.command(() => this.redis.set(this.#lease(poll), token, 'PX', this.leaseMs, 'NX'))) === 'OK';
    } catch (error) {
      this.#doubt(poll, token);
      throw error;
    }
    if (!taken) {
      return false;
    }
    if (poll.gone || this.#closed) {
      // The wait left (or the coordinator closed) while the claim was on its way: give it up at once.
      this.#doubt(poll, token);
      return false;
    }
    this.#held.set(poll, { token, confirmedAt: sentAt });
    this.#renewing ??= setInterval(() => this.#renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#renewing.unref?.();
    return true;
  }

  /**
   * True when the lease is still ours for at least half of leaseMs: asks Redis (and renews) when
   * the last confirmation is older than that, so a process resumed after a pause never polls on
   * a lease another process has taken since.
   */
  async confirm(poll: Leased): Promise<boolean> {
    const hold = this.#held.get(poll);
    if (!hold) {
      return false;
    }
    if (Date.now() - hold.confirmedAt <= this.leaseMs / 2) {
      return true;
    }
    const sentAt = Date.now();
    const renewed = await this.health.command(() => this.#renewOne(poll, hold.token));
    if (this.#held.get(poll) !== hold) {
      return false;
    }
    if (renewed === 1) {
      hold.confirmedAt = Math.max(hold.confirmedAt, sentAt);
      return true;
    }
    this.#held.delete(poll);
    return false;
  }

  /** Gives the lease up at once (the others claim it on their next check). */
  async release(poll: Leased): Promise<void> {
    const hold = this.#held.get(poll);
    if (!hold) {
      return;
    }
    this.#held.delete(poll);
    await this.#releaseToken(poll, hold.token);
  }

  /** Gives every lease up, and any a claim still on its way takes (the coordinator closes). */
  async releaseAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#held.keys()].map((poll) => this.release(poll)));
    clearInterval(this.#renewing);
    this.#renewing = undefined;
  }

  /** Redis is away: whatever was held may be another's by the time it answers; released once it does. */
  lost(): void {
    for (const [poll, hold] of this.#held) {
      this.#doubtful.set(hold.token, poll);
    }
    this.#held.clear();
  }

  /** Redis answers again: releases every lease a timed-out claim or an outage may have left. */
  back(): void {
    for (const [token, poll] of this.#doubtful) {
      void this.#releaseToken(poll, token);
    }
  }

  #doubt(poll: Leased, token: string): void {
    this.#doubtful.set(token, poll);
    // Sent after the claim on the same connection, so Redis runs it after a late SET NX; kept
    // for the next rejoin when it gets no answer.
    void this.#releaseToken(poll, token);
  }

  async #releaseToken(poll: Leased, token: string): Promise<void> {
    this.#doubtful.set(token, poll);
    try {
      await withTimeout(
        this.redis.eval(RELEASE, 2, this.#lease(poll), this.#status(poll), token, this.leaseMs),
        this.health.timeoutMs,
      );
      this.#doubtful.delete(token); // answered: nothing holds that token any more
    } catch {
      // Redis away: released by back() when it answers again (or expired by then).
    }
  }

  #renew(): void {
    if (this.#held.size === 0) {
      clearInterval(this.#renewing);
      this.#renewing = undefined;
      return;
    }
    const held = [...this.#held];
    const sentAt = Date.now();
    const batch = this.redis.pipeline();
    for (const [poll, hold] of held) {
      batch.eval(RENEW, 2, this.#lease(poll), this.#status(poll), hold.token, this.leaseMs, 3 * this.leaseMs);
    }
    this.health
      .command(() => batch.exec())
      .then(
        (results) => {
          held.forEach(([poll, hold], i) => {
            if (this.#held.get(poll) !== hold) {
              return; // released or claimed anew meanwhile
            }
            if (results?.[i]?.[1] === 1) {
              hold.confirmedAt = Math.max(hold.confirmedAt, sentAt);
            } else {
              this.#held.delete(poll); // expired meanwhile (a stall): another process may hold it now
            }
          });
        },
        () => {}, // an outage: health fell back and dropped every lease
      );
  }

  #renewOne(poll: Leased, token: string): Promise<unknown> {
    return this.redis.eval(RENEW, 2, this.#lease(poll), this.#status(poll), token, this.leaseMs, 3 * this.leaseMs);
  }

  #lease(poll: Leased): string {
    return `${this.prefix}lease:${poll.key}`;
  }

  #status(poll: Leased): string {
    return `${this.prefix}status:${poll.key}`;
  }
}
