import { DEFAULT_REQUESTS_PER_MINUTE } from "../config";

/**
 * The one request budget of the bot's chain requests (every read-only call, contract log page, block,
 * nonce, fee estimate and broadcast goes through it, see stacks-client.ts):
 *
 * - at most `concurrency` requests in flight (default 4);
 * - a token bucket refilled at `requestsPerMinute` units a minute, a request taking its route's weight:
 *   Hiro weighs the node's RPC calls (docs.hiro.so, Stacks Node RPC API, rate limits), a read-only call
 *   `POST /v2/contracts/call-read/…` 2 units, a broadcast `POST /v2/transactions` 3, any plain GET 1. The
 *   bucket holds at most a fifth of a minute's units (a burst of 12 s), so no 60 s carries more than 1.2 ×
 *   the rate: the default 40 keeps a bot under Hiro's 50 a minute without a key;
 * - when the API answers 429, `pause`: nobody sends until its Retry-After has passed, and the bucket starts
 *   empty again, so the bot comes back at its steady rate instead of a burst.
 *
 * Waiting requests are served first come, first served. What was sent and refused is counted per route
 * (`stats`), ids in the path replaced by names (`routeOf`).
 */

export const DEFAULT_CONCURRENCY = 4;
/** Units a request weighs (Hiro's cost multipliers). */
export const REQUEST_WEIGHTS = { plain: 1, readOnly: 2, broadcast: 3 } as const;
const HEAVIEST = Math.max(...Object.values(REQUEST_WEIGHTS));
const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;
/** The bucket holds a fifth of a minute's units. */
const BURST_SHARE_OF_MINUTE = 5;

/** The read-only call route, whose contract and function names are not ids. */
const CALL_READ = /^\/v2\/contracts\/call-read\/[^/]+\/[^/]+\/[^/]+$/;
/** Path segments that are ids, and the names the API's documents give them. */
const ID_SEGMENTS: [RegExp, string][] = [
  [/^S[0-9A-Z]{27,40}(\.[A-Za-z][\w-]*)?$/, "{principal}"],
  [/^(0x)?[0-9a-fA-F]{64}$/, "{id}"],
  [/^\d+$/, "{height}"],
];

/**
 * A request's route, `METHOD /path/{param}`, from its URL below the API's base URL (whose own path, which may
 * carry a provider's key, is never part of it), ids replaced by a name so that routes can be counted.
 */
export function routeOf(method: string, url: string, apiUrl: string): string {
  let path = new URL(url, apiUrl).pathname;
  const base = new URL(apiUrl).pathname.replace(/\/$/, "");
  if (base && path.startsWith(base)) path = path.slice(base.length);
  const named = CALL_READ.test(path)
    ? "/v2/contracts/call-read/{address}/{contract}/{function}"
    : path
        .split("/")
        .map((segment) => ID_SEGMENTS.find(([pattern]) => pattern.test(segment))?.[1] ?? segment)
        .join("/");
  return `${method.toUpperCase()} ${named}`;
}

/** What a route weighs in the budget. */
export function weightOf(route: string): number {
  if (route.startsWith("POST /v2/contracts/call-read/")) return REQUEST_WEIGHTS.readOnly;
  if (route === "POST /v2/transactions") return REQUEST_WEIGHTS.broadcast;
  return REQUEST_WEIGHTS.plain;
}

export type RequestBudgetOptions = {
  /** Units a minute (STACKS_API_REQUESTS_PER_MINUTE). */
  requestsPerMinute?: number;
  /** Requests in flight at most. */
  concurrency?: number;
  /** The clock (tests give their own). */
  now?: () => number;
};

export type BudgetStats = {
  /** Requests sent, by route (each retry counts). */
  requests: Record<string, number>;
  /** 429 answers, by route. */
  rateLimited: Record<string, number>;
  /** Every pause the API asked for, summed (ms). */
  pausedMs: number;
  /** Requests that could not go at once (no slot, not enough units, or a pause). */
  delayed: number;
  inFlight: number;
  waiting: number;
};

type Waiter = { weight: number; resolve: (release: () => void) => void };

export class RequestBudget {
  readonly requestsPerMinute: number;
  readonly concurrency: number;
  /** The most units the bucket holds (never below the heaviest request). */
  readonly capacity: number;
  private readonly clock: () => number;
  private tokens: number;
  private refilledAt: number;
  private inFlight = 0;
  private resumeAt = 0;
  private pausedMs = 0;
  private delayed = 0;
  private readonly waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly sent = new Map<string, number>();
  private readonly limited = new Map<string, number>();

  constructor(options: RequestBudgetOptions = {}) {
    this.requestsPerMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!(this.requestsPerMinute > 0) || !(this.concurrency >= 1))
      throw new RangeError("a request budget needs a positive rate and at least one request in flight");
    this.capacity = Math.max(this.requestsPerMinute / BURST_SHARE_OF_MINUTE, HEAVIEST);
    this.clock = options.now ?? Date.now;
    this.tokens = this.capacity;
    this.refilledAt = this.clock();
  }

  now(): number {
    return this.clock();
  }

  /** Waits for a free slot and `weight` units, in arrival order; call what it returns when the answer is in. */
  acquire(weight: number): Promise<() => void> {
    return new Promise((resolve) => {
      const waiter = { weight: Math.min(weight, this.capacity), resolve };
      this.waiting.push(waiter);
      this.pump();
      if (this.waiting.includes(waiter)) this.delayed++;
    });
  }

  /** The API said wait `ms`: nothing is sent before then (a shorter pause never ends a longer one). */
  pause(ms: number): void {
    const until = this.clock() + Math.max(0, ms);
    if (until > this.resumeAt) this.resumeAt = until;
    this.pausedMs += Math.max(0, ms);
    this.refill();
    this.tokens = 0;
    this.pump();
  }

  /** Until when nothing is sent (a time of `now`; in the past when not paused). */
  get pausedUntil(): number {
    return this.resumeAt;
  }

  /** Counts a request sent on `route`. */
  countSent(route: string): void {
    this.sent.set(route, (this.sent.get(route) ?? 0) + 1);
  }

  /** Counts a 429 on `route`. */
  countLimited(route: string): void {
    this.limited.set(route, (this.limited.get(route) ?? 0) + 1);
  }

  stats(): BudgetStats {
    return {
      requests: Object.fromEntries(this.sent),
      rateLimited: Object.fromEntries(this.limited),
      pausedMs: this.pausedMs,
      delayed: this.delayed,
      inFlight: this.inFlight,
      waiting: this.waiting.length,
    };
  }

  private refill() {
    const now = this.clock();
    const perMs = this.requestsPerMinute / MS_PER_MINUTE;
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.refilledAt) * perMs);
    this.refilledAt = now;
  }

  /** Lets waiting requests go while a slot, the units and the API allow; otherwise wakes when they may. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.refill();
    while (this.waiting.length > 0 && this.inFlight < this.concurrency) {
      const now = this.clock();
      if (now < this.resumeAt) {
        this.wake(this.resumeAt - now);
        return;
      }
      const head = this.waiting[0]!;
      if (this.tokens < head.weight) {
        this.wake(Math.ceil(((head.weight - this.tokens) * MS_PER_MINUTE) / this.requestsPerMinute));
        return;
      }
      this.tokens -= head.weight;
      this.inFlight++;
      this.waiting.shift();
      head.resolve(this.release());
    }
  }

  private wake(ms: number) {
    this.timer = setTimeout(() => this.pump(), Math.max(1, ms));
  }

  private release(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.pump();
    };
  }
}

/**
 * A Retry-After header as milliseconds to wait from `now`: delay-seconds or an HTTP-date (RFC 9110 10.2.3).
 * null when absent or unreadable; a date in the past is 0.
 */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * MS_PER_SECOND;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
