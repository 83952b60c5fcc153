/**
 * The pacer of `streamctl produce`: tells the producer loop how many events it may send
 * now so that the run follows its load shape precisely.
 *
 * It is schedule-based rather than a token bucket: event j of the run is scheduled at the
 * moment the integral of the shape reaches j (see scheduledCount), and at any time the
 * pacer releases every scheduled event not yet released. Timer lateness therefore never
 * accumulates — a late wake releases a larger batch — and each 1-second window aligned to
 * the start receives exactly its share, because the pacer wakes precisely just before each
 * window boundary and releases everything scheduled before it (up to 3 ms early).
 *
 * Policies:
 * - Batching: releases are at least `tickMs` (5 ms) apart, so at 10k/s a batch holds about
 *   50 events; a release comes sooner when `maxBatch` events are owed, just before a window
 *   boundary and for the run's last events. No batch exceeds `maxBatch` (500).
 * - Backlog bound: when the producer cannot keep up, the pacer owes it at most
 *   `maxBacklogMs` (1 s) of the schedule's events. Anything older is forgiven — dropped
 *   from the schedule, never sent as a catch-up burst — and shows in `status().behind`
 *   and `forgivenEvents`, so the live view and the summary can say the target was not
 *   reached. With --events the run still sends all its events, only later.
 * - End: the run stops at `events` or `durationMs`, whichever comes first; with a
 *   duration, events still owed at its end go out only within 100 ms after it. `max`
 *   releases `maxBatch` events per call for as long as the caller takes them.
 * - CPU: sleeps are timers, except the wake before each window boundary and the end,
 *   which busy-yields (setImmediate) for its last 5 ms; about 2 % of a core at 10k/s.
 */
import { UsageError } from '../errors.js';
import { scheduledCount, timeOfCount, timeOfIntegral, type LoadShape } from './rate.js';

/** Time source and sleep, injectable so tests run on a fake clock. */
export interface Clock {
  /** Milliseconds on a monotonic clock, any origin. */
  now(): number;
  /**
   * Resolves after about `ms` milliseconds; `sleep(0)` yields to the event loop once. With
   * `precise` the wake must be on time to within microseconds and never early; without, a
   * timer's accuracy of about a millisecond either way will do.
   */
  sleep(ms: number, precise?: boolean): Promise<void>;
}

export interface RealClockOptions {
  /**
   * How much of a precise sleep is spent yielding with setImmediate instead of waiting on a
   * timer, since timers fire a few milliseconds late now and then. Default 5 ms.
   */
  spinMs?: number;
}

/**
 * A Clock on performance.now(). Plain sleeps are timers; precise ones add a busy-yield
 * for their last `spinMs`, which costs a core while it lasts — the pacer asks for it only
 * at window boundaries and at the end, about once a second.
 */
export function createRealClock(options: RealClockOptions = {}): Clock {
  const spinMs = options.spinMs ?? 5;
  const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
  const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return {
    now: () => performance.now(),
    async sleep(ms, precise = false) {
      if (ms <= 0 && !precise) return immediate();
      const deadline = performance.now() + ms;
      if (!precise) {
        // Timers run on libuv's loop time, cached once per loop turn, so one can fire a fraction
        // of a millisecond early by performance.now(): wait out the rest.
        do await timer(Math.max(1, Math.ceil(deadline - performance.now())));
        while (performance.now() < deadline);
        return;
      }
      const coarse = Math.floor(ms - spinMs);
      if (coarse >= 1) await timer(coarse);
      do await immediate();
      while (performance.now() < deadline);
    },
  };
}

export const realClock: Clock = createRealClock();

export interface PacerOptions {
  /** The shape the run follows; `constantShape(Infinity)` (max) releases as fast as the caller takes. Required. */
  shape: LoadShape;
  /** Stop after this many events. Default: no limit. */
  events?: number;
  /** Stop this many milliseconds after the start. Default: no limit. */
  durationMs?: number;
  /** Most events one next() releases. Default 500. */
  maxBatch?: number;
  /** Shortest time between two releases when nothing forces an earlier one, ms. Default 5. */
  tickMs?: number;
  /** Most schedule time the pacer lets the producer catch up on, ms. Default 1000. */
  maxBacklogMs?: number;
  /** Accounting window the releases align to, ms (RunStats' window). Default 1000. */
  windowMs?: number;
  /** Default: realClock. */
  clock?: Clock;
}

export type PacerEndReason = 'events' | 'duration' | 'stopped' | 'exhausted';

/** Where the run stands against its schedule. Plain data. */
export interface PacerStatus {
  /** Milliseconds since the start; once done, the run's length (see endReason). */
  elapsedMs: number;
  done: boolean;
  /**
   * Why the run ended: its event count, its duration, stop(), or a shape that sends no
   * more (e.g. a ramp down to 0) on a run without a duration. Undefined while running.
   */
  endReason: PacerEndReason | undefined;
  /** Events released so far. */
  released: number;
  /** Events the schedule called for by now, capped by `events`; equals `released` at max. */
  targetEvents: number;
  /** Target rate now, events/s; null at max. */
  targetRate: number | null;
  /**
   * How far the producer trails the schedule: events scheduled more than a tick ago (at the
   * end: before the end) and not released, and how late the oldest of them is. 0 while the
   * producer keeps up.
   */
  behind: { events: number; ms: number };
  /** Events owed now that the pacer will still release as catch-up (at most the backlog bound). */
  backlogEvents: number;
  /** Events dropped from the schedule because the producer fell more than maxBacklogMs behind. */
  forgivenEvents: number;
}

// A wake this close before a window boundary (or the end) releases everything scheduled
// before the boundary, up to this much early, so that a wake a little late still lands in
// the window its events belong to. Small, so windows not aligned to the start (a broker's
// timestamps) are skewed by no more than 0.3 %.
const BOUNDARY_LEAD_MS = 3;
// Events still owed when the duration is over go out only this soon after it: enough to
// absorb a late timer, too little to stretch the run of a producer that cannot keep up.
const END_GRACE_MS = 100;
// Long sleeps are cut into pieces so that stop() takes effect promptly.
const MAX_SLEEP_MS = 100;
const MIN_SLEEP_MS = 0.001;
// A timer may fire this much before its time; a release that early still counts as a tick.
const TIMER_SLACK_MS = 1;
// How late a plain timer may fire on a busy event loop.
const TIMER_JITTER_MS = 3;

function positive(value: number | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${what} must be a positive number, got ${value}`);
  return value;
}

export class Pacer {
  private readonly shape: LoadShape;
  private readonly clock: Clock;
  private readonly cap: number;
  private readonly durationMs: number | undefined;
  private readonly maxBatch: number;
  private readonly tickMs: number;
  private readonly maxBacklogMs: number;
  private readonly windowMs: number;
  private readonly unlimited: boolean;

  private startMs: number | undefined;
  private released = 0;
  private forgiven = 0;
  private lastReleaseT = -Infinity;
  private endReason: PacerEndReason | undefined;
  private endT = 0;
  private stopRequested = false;
  private busy = false;

  constructor(options: PacerOptions) {
    const { events, durationMs } = options;
    if (events !== undefined && !(Number.isInteger(events) && events > 0)) {
      throw new UsageError(`invalid event count "${events}"`, { hint: 'use a whole number above 0, e.g. --events 1000' });
    }
    if (durationMs !== undefined && !(durationMs > 0 && Number.isFinite(durationMs))) {
      throw new UsageError(`invalid duration "${durationMs} ms"`, { hint: 'use a duration above 0, e.g. --duration 30s' });
    }
    this.shape = options.shape;
    this.clock = options.clock ?? realClock;
    this.cap = events ?? Infinity;
    this.durationMs = durationMs;
    this.maxBatch = Math.floor(positive(options.maxBatch, 'maxBatch', 500));
    if (this.maxBatch < 1) throw new RangeError('maxBatch must be at least 1');
    this.tickMs = positive(options.tickMs, 'tickMs', 5);
    this.maxBacklogMs = positive(options.maxBacklogMs, 'maxBacklogMs', 1000);
    this.windowMs = positive(options.windowMs, 'windowMs', 1000);
    this.unlimited = options.shape.peakRate === Infinity;
  }

  /** Starts the schedule now (next() does so on its first call) and returns the clock reading of the start. */
  start(): number {
    this.startMs ??= this.clock.now();
    return this.startMs;
  }

  /** Ends the run: the pending or next call of next() returns 0. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Waits until events are due and returns how many the caller may send now (1 to
   * maxBatch); 0 when the run is over. Calls must not overlap.
   */
  async next(): Promise<number> {
    if (this.busy) throw new Error('Pacer.next() called while a previous call is pending');
    this.busy = true;
    try {
      return await this.advance();
    } finally {
      this.busy = false;
    }
  }

  /** Yields each release until the run is over: `for await (const n of pacer)`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<number, void, undefined> {
    for (;;) {
      const n = await this.next();
      if (n === 0) return;
      yield n;
    }
  }

  private async advance(): Promise<number> {
    const start = this.start();
    for (;;) {
      if (this.endReason !== undefined) return 0;
      if (this.unlimited) {
        // Yield each time so a caller that does not await its sends still lets them go out.
        await this.clock.sleep(0);
      }
      const t = this.clock.now() - start;
      if (this.stopRequested) return this.finish('stopped', this.durationMs === undefined ? t : Math.min(t, this.durationMs));
      if (this.released >= this.cap) {
        // The run lasts until its last event's slot ends (1000 events at 100/s take 10 s),
        // unless the shape stops short of that.
        const slotEnd = this.unlimited ? t : timeOfIntegral(this.shape, this.cap + this.forgiven);
        return this.finish('events', Math.max(t, Number.isFinite(slotEnd) ? slotEnd : t));
      }
      const D = this.durationMs;
      if (this.unlimited) {
        if (D !== undefined && t >= D) return this.finish('duration', D);
        return this.release(Math.min(this.maxBatch, this.cap - this.released), t);
      }

      const boundary = (Math.floor(t / this.windowMs) + 1) * this.windowMs;
      let at = t;
      if (boundary - t <= BOUNDARY_LEAD_MS) at = boundary;
      const final = D !== undefined && D - t <= BOUNDARY_LEAD_MS;
      if (final) {
        if (t > D + END_GRACE_MS) return this.finish('duration', D);
        at = D;
      }
      const owed = this.owed(at);
      const tickDone = t >= this.lastReleaseT + this.tickMs - TIMER_SLACK_MS || this.released + owed >= this.cap;
      if (owed > 0 && (owed >= this.maxBatch || at !== t || final || tickDone)) {
        return this.release(Math.min(owed, this.maxBatch), t);
      }
      if (final) return this.finish('duration', D);

      // Nothing may go yet: sleep until the next scheduled event, but not sooner than a tick
      // after the last release — except that a window boundary or the end, when events are
      // due before it, gets a precise wake just ahead of it.
      const nextEvent = timeOfCount(this.shape, this.released + this.forgiven + 1, t);
      let tick = this.lastReleaseT + this.tickMs;
      // The run's last events need not wait for a tick: the run should end when they are due.
      if (this.cap !== Infinity && tick > nextEvent) tick = Math.min(tick, timeOfCount(this.shape, this.cap + this.forgiven, t));
      let wake = Math.max(nextEvent, tick);
      let precise = false;
      // A plain wake this close to the boundary could fire past it, so it becomes the precise one.
      if (nextEvent < boundary && boundary - BOUNDARY_LEAD_MS - TIMER_JITTER_MS < wake) {
        wake = boundary - BOUNDARY_LEAD_MS;
        precise = true;
      }
      if (D !== undefined && D - BOUNDARY_LEAD_MS - TIMER_JITTER_MS < wake) {
        wake = D - BOUNDARY_LEAD_MS;
        precise = true;
      }
      if (wake === Infinity) return this.finish('exhausted', t);
      const ms = Math.max(wake - t, MIN_SLEEP_MS);
      await (ms > MAX_SLEEP_MS ? this.clock.sleep(MAX_SLEEP_MS) : this.clock.sleep(ms, precise));
    }
  }

  /** Events due at schedule time `at` and not yet released, after applying the backlog bound. */
  private owed(at: number): number {
    const due = Math.min(this.cap, scheduledCount(this.shape, at) - this.forgiven);
    const owed = due - this.released;
    const bound = Math.max(1, scheduledCount(this.shape, at) - scheduledCount(this.shape, at - this.maxBacklogMs));
    if (owed <= bound) return Math.max(0, owed);
    this.forgiven += owed - bound;
    return bound;
  }

  private release(n: number, t: number): number {
    this.released += n;
    this.lastReleaseT = t;
    return n;
  }

  private finish(reason: PacerEndReason, endT: number): number {
    this.endReason = reason;
    this.endT = endT;
    return 0;
  }

  /** Where the run stands now; cheap enough for a live view refreshing several times a second. */
  status(): PacerStatus {
    const started = this.startMs !== undefined;
    const now = started ? this.clock.now() - this.startMs! : 0;
    // Past the duration (the end grace) the schedule asks for nothing more.
    const t = this.endReason !== undefined ? this.endT : Math.min(now, this.durationMs ?? Infinity);
    const base = { elapsedMs: t, done: this.endReason !== undefined, endReason: this.endReason, released: this.released };
    if (this.unlimited) {
      return {
        ...base,
        targetEvents: this.released,
        targetRate: null,
        behind: { events: 0, ms: 0 },
        backlogEvents: 0,
        forgivenEvents: 0,
      };
    }
    const targetEvents = started ? scheduledCount(this.shape, t, this.cap) : 0;
    // Events due since the last release are the pacing's own granularity, not lag.
    const settled = this.endReason !== undefined ? t : t - this.tickMs - TIMER_JITTER_MS;
    const short = started ? Math.max(0, scheduledCount(this.shape, settled, this.cap) - this.released) : 0;
    const due = Math.min(this.cap, scheduledCount(this.shape, t) - this.forgiven);
    return {
      ...base,
      targetEvents,
      targetRate: this.shape.rateAt(t),
      behind: { events: short, ms: short > 0 ? Math.max(0, t - timeOfCount(this.shape, this.released + 1)) : 0 },
      backlogEvents: Math.max(0, due - this.released),
      forgivenEvents: this.forgiven,
    };
  }
}
