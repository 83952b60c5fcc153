/**
 * Rates, durations and load shapes for `streamctl produce`.
 *
 * Rates (`--rate`, and every rate inside a shape):
 *
 *   100/s  100/sec  100/second   100 events per second
 *   6000/min  6000/minute        100 events per second
 *   5k/s  1.5k/s  2M/min         k = thousand, M = million; the letter on the number is
 *                                always a multiplier, the word after `/` always a time unit
 *   100                          a bare number is per second
 *   max                          as fast as the producer can go (not inside a shape)
 *
 * A lower-case `m` multiplier is refused because `5m` reads as five minutes elsewhere
 * (durations); per-hour rates are refused because a load generator has no use for fewer
 * than one event a minute.
 *
 * Durations (`--duration`, and every duration inside a shape):
 *
 *   500ms  30s  5m  1h  1m30s  1h30m  1.5s   units in the order h, m, s, ms, each at most once
 *   30                                       a bare number is seconds
 *
 * Load shapes (`--shape`); the rate is the target at each moment of the run, counted from
 * its start:
 *
 *   constant:<rate>                  the same rate throughout (the default, at --rate)
 *   ramp:<from>..<to>                linear from one rate to the other over the run's
 *                                    --duration, e.g. ramp:100..10k/s
 *   ramp:<from>..<to>:<duration>     the same over its own duration, then holding <to>,
 *                                    e.g. ramp:100..10k/s:30s
 *   step:<r1>,<r2>,…:<each>          each rate for <each>, in turn, then holding the last,
 *                                    e.g. step:1k,2k,5k/s:10s
 *   burst:<base>,<peak>:<every>/<for>  <base>, rising to <peak> for <for> every <every>
 *                                    (first peak after <every>), e.g. burst:100/s,5k/s:10s/2s
 *                                    peaks at 10–12 s, 20–22 s, …
 *   sine:<min>..<max>:<period>       a smooth wave starting at <min>, reaching <max> at
 *                                    half the period, e.g. sine:1k..5k/s:1m
 *
 * Inside a shape a bare number takes the unit of the next rate that has one (or is per
 * second), so ramp:100..6000/min goes from 100/min to 6000/min. A bare rate (`--shape 5k/s`) is a
 * constant shape. Rates inside ramp, step, burst and sine may be 0.
 */
import { UsageError } from '../errors.js';

export const RATE_HINT = 'use N/s, N/sec, N/min, Nk/s or max';
export const DURATION_HINT = 'use e.g. 30s, 5m, 1h, 1m30s, 500ms, or a number of seconds';
export const SHAPE_HINT =
  'use constant:<rate>, ramp:<from>..<to>[:<duration>], step:<r1>,<r2>,…:<each>, burst:<base>,<peak>:<every>/<for> or sine:<min>..<max>:<period>, e.g. ramp:100..10k/s:30s';

export type ShapeKind = 'constant' | 'ramp' | 'step' | 'burst' | 'sine';

/**
 * A target rate over the time of a run. Times are milliseconds from the run's start;
 * rates are events per second. Before the start the rate is 0.
 */
export interface LoadShape {
  readonly kind: ShapeKind;
  /** The shape as the user wrote it (trimmed), for summaries. */
  readonly text: string;
  /** Highest rate the shape ever asks for; Infinity for `max`. */
  readonly peakRate: number;
  /**
   * Length of the shape's own schedule — a ramp with its own duration, or all the steps —
   * after which its last rate holds. Undefined for shapes without one. A run given neither
   * --duration nor --events may use it as its length.
   */
  readonly durationMs: number | undefined;
  /** Target rate at `tMs`, events/s; Infinity for `max`. */
  rateAt(tMs: number): number;
  /** Exact integral of the rate over [t0Ms, t1Ms), in events; Infinity for `max`. */
  expectedCount(t0Ms: number, t1Ms: number): number;
}

export interface ParseShapeOptions {
  /** The run's length, for a ramp without its own duration. Default: none (such a ramp is an error). */
  durationMs?: number;
}

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6 };
const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, second: 1, min: 60, minute: 60 };

interface RateToken {
  value: number;
  /** Seconds per unit, when the token names one. */
  unitSeconds: number | undefined;
}

function lexRate(raw: string, context: string | undefined): RateToken {
  const m = /^(\d+(?:\.\d+)?|\.\d+)([a-zA-Z]?)(?:\/([a-zA-Z]+))?$/.exec(raw.trim());
  const fail = (hint: string): never => {
    throw new UsageError(`invalid rate "${raw}"${context === undefined ? '' : ` in shape "${context}"`}`, { hint });
  };
  if (!m) return fail(RATE_HINT);
  const [, num = '', mult = '', unit] = m;
  if (mult === 'm') return fail(`use M for million (e.g. ${num}M/s); a lower-case m is ambiguous with minutes`);
  const factor = MULTIPLIERS[mult];
  if (factor === undefined) return fail(RATE_HINT);
  let unitSeconds: number | undefined;
  if (unit !== undefined) {
    unitSeconds = UNIT_SECONDS[unit.toLowerCase()];
    if (unitSeconds === undefined) return fail(RATE_HINT);
  }
  return { value: Number(num) * factor, unitSeconds };
}

/** Rates of a list where a bare number borrows the unit of the next rate that has one. */
function resolveRates(raws: string[], context: string): number[] {
  const tokens = raws.map((r) => {
    if (r.trim().toLowerCase() === 'max') {
      throw new UsageError(`invalid rate "max" in shape "${context}"`, { hint: 'max stands alone: --rate max or constant:max' });
    }
    return lexRate(r, context);
  });
  const out: number[] = new Array<number>(tokens.length);
  let unitSeconds = 1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const tok = tokens[i]!;
    if (tok.unitSeconds !== undefined) unitSeconds = tok.unitSeconds;
    out[i] = tok.value / unitSeconds;
  }
  return out;
}

/**
 * Parses a rate such as `100/s`, `5k/s`, `6000/min` or `max` (see the module comment).
 * Returns events per second, or Infinity for `max`. Zero is refused: a run at 0/s never ends.
 */
export function parseRate(s: string): number {
  if (s.trim().toLowerCase() === 'max') return Infinity;
  const tok = lexRate(s, undefined);
  const rate = tok.value / (tok.unitSeconds ?? 1);
  if (!(rate > 0)) throw new UsageError(`invalid rate "${s}"`, { hint: `a rate must be above 0; ${RATE_HINT}` });
  return rate;
}

const DURATION_UNITS_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DURATION_ORDER = ['h', 'm', 's', 'ms'];

/** Parses a duration such as `30s`, `1m30s`, `500ms` or `30` (seconds). Returns milliseconds. */
export function parseDuration(s: string): number {
  const text = s.trim();
  const fail = (): never => {
    throw new UsageError(`invalid duration "${s}"`, { hint: DURATION_HINT });
  };
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(text)) return Number(text) * 1000;
  const part = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;
  let total = 0;
  let lastUnit = -1;
  let pos = 0;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) return fail();
    const unit = DURATION_ORDER.indexOf(m[2]!);
    // Units must descend so that `30s5m` or `5m5m` is caught as a typo, not summed.
    if (unit <= lastUnit) return fail();
    lastUnit = unit;
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    pos = part.lastIndex;
  }
  if (lastUnit < 0) return fail();
  return total;
}

/** A constant shape at `rate` events/s (Infinity for max). */
export function constantShape(rate: number, text = rate === Infinity ? 'max' : `${rate}/s`): LoadShape {
  if (!(rate > 0)) throw new UsageError(`invalid rate "${text}"`, { hint: `a rate must be above 0; ${RATE_HINT}` });
  if (rate === Infinity) {
    return {
      kind: 'constant',
      text,
      peakRate: Infinity,
      durationMs: undefined,
      rateAt: (t) => (t >= 0 ? Infinity : 0),
      expectedCount: (t0, t1) => (Math.max(t1, 0) > Math.max(t0, 0) ? Infinity : 0),
    };
  }
  return fromCumulative(
    'constant',
    text,
    rate,
    undefined,
    (t) => (t >= 0 ? rate : 0),
    (t) => (rate * t) / 1000,
  );
}

/**
 * Builds a shape from its rate and its cumulative count C(t) = ∫₀ᵗ rate, which is only ever
 * called with t ≥ 0; expectedCount is then a difference of two closed forms.
 */
function fromCumulative(
  kind: ShapeKind,
  text: string,
  peakRate: number,
  durationMs: number | undefined,
  rateAt: (tMs: number) => number,
  cumulative: (tMs: number) => number,
): LoadShape {
  return {
    kind,
    text,
    peakRate,
    durationMs,
    rateAt: (t) => (t < 0 ? 0 : rateAt(t)),
    expectedCount: (t0, t1) => {
      const a = Math.max(t0, 0);
      const b = Math.max(t1, 0);
      return b > a ? cumulative(b) - cumulative(a) : 0;
    },
  };
}

function rampShape(text: string, from: number, to: number, D: number): LoadShape {
  const slope = (to - from) / D;
  const atEnd = (from * D + ((to - from) * D) / 2) / 1000;
  return fromCumulative(
    'ramp',
    text,
    Math.max(from, to),
    D,
    (t) => (t >= D ? to : from + slope * t),
    (t) => (t >= D ? atEnd + (to * (t - D)) / 1000 : (from * t + (slope * t * t) / 2) / 1000),
  );
}

function stepShape(text: string, rates: number[], each: number): LoadShape {
  // prefix[k] = events in the first k steps, so C(t) is one lookup plus a partial step.
  const prefix = [0];
  for (const r of rates) prefix.push(prefix[prefix.length - 1]! + (r * each) / 1000);
  const n = rates.length;
  const last = rates[n - 1]!;
  return fromCumulative(
    'step',
    text,
    Math.max(...rates),
    n * each,
    (t) => rates[Math.min(Math.floor(t / each), n - 1)]!,
    (t) => {
      const k = Math.floor(t / each);
      if (k >= n) return prefix[n]! + (last * (t - n * each)) / 1000;
      return prefix[k]! + (rates[k]! * (t - k * each)) / 1000;
    },
  );
}

function burstShape(text: string, base: number, peak: number, every: number, span: number): LoadShape {
  const inPeak = (t: number) => t >= every && t % every < span;
  // Time spent in peaks during [0, t]: peaks start at k·every for k ≥ 1 and last `span` < every.
  const peakTime = (t: number) => {
    const k = Math.floor(t / every);
    return k === 0 ? 0 : (k - 1) * span + Math.min(t - k * every, span);
  };
  return fromCumulative(
    'burst',
    text,
    Math.max(base, peak),
    undefined,
    (t) => (inPeak(t) ? peak : base),
    (t) => (base * t + (peak - base) * peakTime(t)) / 1000,
  );
}

function sineShape(text: string, min: number, max: number, period: number): LoadShape {
  const w = (2 * Math.PI) / period;
  return fromCumulative(
    'sine',
    text,
    Math.max(min, max),
    undefined,
    (t) => min + ((max - min) * (1 - Math.cos(w * t))) / 2,
    (t) => (min * t + ((max - min) / 2) * (t - Math.sin(w * t) / w)) / 1000,
  );
}

/**
 * Parses a load shape (syntax in the module comment). A bare rate is a constant shape.
 */
export function parseShape(s: string, options: ParseShapeOptions = {}): LoadShape {
  const text = s.trim();
  const fail = (hint = SHAPE_HINT): never => {
    throw new UsageError(`invalid shape "${s}"`, { hint });
  };
  const duration = (raw: string | undefined, what: string): number => {
    if (raw === undefined || raw.trim() === '') return fail();
    let ms: number;
    try {
      ms = parseDuration(raw);
    } catch {
      throw new UsageError(`invalid duration "${raw}" in shape "${s}"`, { hint: DURATION_HINT });
    }
    if (!(ms > 0)) fail(`${what} must be longer than 0`);
    return ms;
  };
  const range = (raw: string | undefined): [number, number] => {
    const ends = raw?.split('..');
    if (ends?.length !== 2) return fail();
    return resolveRates(ends, s) as [number, number];
  };
  const sends = (shape: LoadShape): LoadShape => (shape.peakRate > 0 ? shape : fail('the shape never sends: give it a rate above 0'));

  const colon = text.indexOf(':');
  if (colon < 0) {
    if (!/^[a-z]+$/i.test(text) || text.toLowerCase() === 'max') return constantShape(parseRate(text), text);
    return fail();
  }
  const kind = text.slice(0, colon).toLowerCase();
  const parts = text.slice(colon + 1).split(':');
  switch (kind) {
    case 'constant': {
      if (parts.length !== 1) return fail();
      return constantShape(parseRate(parts[0]!), text);
    }
    case 'ramp': {
      if (parts.length > 2) return fail();
      const [from, to] = range(parts[0]);
      let D: number;
      if (parts.length === 2) D = duration(parts[1], 'the ramp');
      else if (options.durationMs !== undefined && options.durationMs > 0) D = options.durationMs;
      else {
        throw new UsageError(`shape "${s}" needs a duration`, {
          hint: `give the ramp its own (e.g. ${text}:30s) or give the run a --duration`,
        });
      }
      return sends(rampShape(text, from, to, D));
    }
    case 'step': {
      if (parts.length !== 2 || parts[0]!.trim() === '') return fail();
      const rates = resolveRates(parts[0]!.split(','), s);
      return sends(stepShape(text, rates, duration(parts[1], 'each step')));
    }
    case 'burst': {
      if (parts.length !== 2) return fail();
      const rates = parts[0]!.split(',');
      const timing = parts[1]!.split('/');
      if (rates.length !== 2 || timing.length !== 2) return fail();
      const [base, peak] = resolveRates(rates, s) as [number, number];
      const every = duration(timing[0], 'the burst interval');
      const span = duration(timing[1], 'the burst');
      if (span >= every) fail(`a burst must be shorter than its interval, e.g. burst:100/s,5k/s:10s/2s`);
      return sends(burstShape(text, base, peak, every, span));
    }
    case 'sine': {
      if (parts.length !== 2) return fail();
      const [min, max] = range(parts[0]);
      return sends(sineShape(text, min, max, duration(parts[1], 'the period')));
    }
    default:
      return fail();
  }
}

// Float noise such as 9999.999999999998 for an exact 10 000 must not move an event
// across a window boundary; the slack grows with the count to stay above rounding error.
function slack(x: number): number {
  return Math.max(1e-6, Math.abs(x) * 1e-12);
}

/**
 * How many events of the schedule are due before `tMs`: event j (from 0) is scheduled at the
 * moment the integral of the shape reaches j, so event 0 goes at the start and a constant
 * 1000/s puts exactly 1000 events into every second aligned to the start. Capped by `events`.
 * Infinity for `max` without a cap.
 */
export function scheduledCount(shape: LoadShape, tMs: number, events = Infinity): number {
  const x = shape.expectedCount(0, tMs);
  if (x === Infinity) return tMs > 0 ? events : 0;
  return Math.min(events, Math.max(0, Math.ceil(x - slack(x))));
}

/** Smallest t ≥ fromMs where `holds(t)`, for a predicate that stays true once true; Infinity if never. */
function firstTime(holds: (t: number) => boolean, fromMs: number): number {
  const lo0 = Math.max(0, fromMs);
  if (holds(lo0)) return lo0;
  let lo = lo0;
  let step = 1;
  let hi = lo0 + step;
  while (!holds(hi)) {
    lo = hi;
    step *= 2;
    // A century without the count growing means the shape has stopped sending.
    if (step > 3.2e12) return Infinity;
    hi = lo0 + step;
  }
  // Bisect to well below a microsecond, the finest gap between events worth pacing.
  for (let i = 0; i < 200 && hi - lo > 1e-4; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Earliest time ≥ fromMs at which scheduledCount reaches `n`; Infinity if the shape never gets there. */
export function timeOfCount(shape: LoadShape, n: number, fromMs = 0): number {
  if (n <= 0) return 0;
  return firstTime((t) => scheduledCount(shape, t) >= n, fromMs);
}

/** Earliest time ≥ fromMs at which the integral of the shape from 0 reaches `x` events. */
export function timeOfIntegral(shape: LoadShape, x: number, fromMs = 0): number {
  if (x <= 0) return 0;
  return firstTime((t) => shape.expectedCount(0, t) >= x - slack(x), fromMs);
}
