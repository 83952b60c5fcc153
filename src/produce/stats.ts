/**
 * Statistics of a `streamctl produce` run: counts per 1-second window aligned to the run's
 * start, totals, and the ack latency histogram, summarised as plain data for the printers.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { scheduledCount, type LoadShape } from './rate.js';

export interface RunStatsOptions {
  /** Clock reading at the run's start (Pacer.start()), in ms; windows align to it. Required. */
  startMs: number;
  /** The shape the run follows, giving each window its target. Default: none (no targets, as for max). */
  shape?: LoadShape;
  /** The run's event cap, which also caps the targets. Default: none. */
  events?: number;
  /** Window length in ms. Default 1000. */
  windowMs?: number;
  /** Deviation from target, in %, within which a window or the run counts as on target. Default 1. */
  tolerancePct?: number;
}

/** Counts of one window; `startMs` is relative to the run's start. */
export interface WindowCounts {
  index: number;
  startMs: number;
  sent: number;
  acked: number;
  failed: number;
  bytes: number;
}

/** A window with its target, for reports and benchmarks. */
export interface WindowReport extends WindowCounts {
  /** Whether the window lies entirely within the run. */
  complete: boolean;
  /** Events the schedule called for in the window (within the run); null without a target. */
  expected: number | null;
  /** (sent − expected) / expected in %; null without a target or when nothing was expected. */
  deviationPct: number | null;
}

/** What the summary needs from the pacer; PacerStatus fits. */
export interface RunEnd {
  /** Length of the run in ms (PacerStatus.elapsedMs once done). */
  elapsedMs: number;
  /** Events the pacer dropped from the schedule. Default 0. */
  forgivenEvents?: number;
  /** How far the run trailed its schedule at the end. Default: not reported. */
  behind?: { events: number; ms: number };
}

export interface LatencySummary {
  /** Acked events measured. */
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LiveStats {
  elapsedMs: number;
  sent: number;
  acked: number;
  failed: number;
  /** Sent and neither acked nor failed yet. */
  inFlight: number;
  bytes: number;
  /** Sent, acked in the last complete window, per second; 0 before the first window completes. */
  sentRate: number;
  ackedRate: number;
  /** Ack latency so far, ms; null before the first ack. */
  latencyP99: number | null;
}

export interface RunSummary {
  /** The shape's text, or null without one. */
  shape: string | null;
  elapsedMs: number;
  sent: number;
  acked: number;
  failed: number;
  bytes: number;
  /** Mean target rate over the run, events/s; null without a target (max). */
  targetRate: number | null;
  /** Sent per second over the run. */
  achievedRate: number;
  ackedRate: number;
  /** Events the schedule called for over the run (capped by events); null without a target. */
  expectedEvents: number | null;
  /** (sent − expected) / expected in %; null without a target. */
  totalDeviationPct: number | null;
  /** Over the windows lying entirely within the run; a trailing partial window is left out. */
  windows: {
    count: number;
    minEvents: number | null;
    maxEvents: number | null;
    meanEvents: number | null;
    /** Most negative and most positive deviation of a window from its own target, %. */
    minDeviationPct: number | null;
    maxDeviationPct: number | null;
    /** Windows within ±tolerancePct of their target. */
    withinTolerance: number | null;
  };
  tolerancePct: number;
  /**
   * Whether the producer kept up: nothing forgiven by the pacer and at most tolerancePct
   * short of the expected total. Null without a target.
   */
  targetReached: boolean | null;
  forgivenEvents: number;
  behind: { events: number; ms: number } | null;
  /** Ack latency, ms (microsecond resolution); null without acks. */
  latencyMs: LatencySummary | null;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
// Not Math.min(...xs): a day-long run has 86 400 windows, too many arguments for a call.
const least = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const most = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);
const pct = (actual: number, expected: number) => round(((actual - expected) / expected) * 100, 3);

export class RunStats {
  private readonly startMs: number;
  private readonly shape: LoadShape | undefined;
  private readonly shapeText: string | null;
  private readonly cap: number;
  private readonly windowMs: number;
  private readonly tolerancePct: number;
  private readonly perWindow: WindowCounts[] = [];
  // Microseconds: the histogram counts integers, and local acks take well under a millisecond.
  private readonly latencyUs: Histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  private sent = 0;
  private acked = 0;
  private failed = 0;
  private bytes = 0;

  constructor(options: RunStatsOptions) {
    this.startMs = options.startMs;
    this.shapeText = options.shape?.text ?? null;
    // Without a target rate (max) there is nothing to measure the windows against.
    this.shape = options.shape && options.shape.peakRate !== Infinity ? options.shape : undefined;
    this.cap = options.events ?? Infinity;
    this.windowMs = options.windowMs ?? 1000;
    this.tolerancePct = options.tolerancePct ?? 1;
  }

  private window(atMs: number): WindowCounts {
    const index = Math.max(0, Math.floor((atMs - this.startMs) / this.windowMs));
    for (let i = this.perWindow.length; i <= index; i++) {
      this.perWindow.push({ index: i, startMs: i * this.windowMs, sent: 0, acked: 0, failed: 0, bytes: 0 });
    }
    return this.perWindow[index]!;
  }

  /** `count` events of `bytes` in total handed to the producer at clock reading `atMs`. */
  recordSent(count: number, bytes: number, atMs: number): void {
    const w = this.window(atMs);
    w.sent += count;
    w.bytes += bytes;
    this.sent += count;
    this.bytes += bytes;
  }

  /** `count` events acknowledged at `atMs`, `latencyMs` after they were sent. */
  recordAcked(count: number, latencyMs: number, atMs: number): void {
    this.window(atMs).acked += count;
    this.acked += count;
    this.latencyUs.recordValueWithCount(Math.max(0, Math.round(latencyMs * 1000)), count);
  }

  /** `count` events whose delivery failed at `atMs`. */
  recordFailed(count: number, atMs: number): void {
    this.window(atMs).failed += count;
    this.failed += count;
  }

  /** Counts per window so far, from the start. */
  windows(): WindowCounts[] {
    return this.perWindow.map((w) => ({ ...w }));
  }

  /** Windows of a run of `elapsedMs`, each with its target. */
  windowReport(elapsedMs: number): WindowReport[] {
    const target = (t: number) => (this.shape ? scheduledCount(this.shape, Math.min(t, elapsedMs), this.cap) : 0);
    return this.perWindow.map((w) => {
      const end = w.startMs + this.windowMs;
      const expected = this.shape && w.startMs < elapsedMs ? target(end) - target(w.startMs) : null;
      return {
        ...w,
        complete: end <= elapsedMs + 1e-6,
        expected,
        deviationPct: expected ? pct(w.sent, expected) : null,
      };
    });
  }

  /** Totals and the rates of the last complete window, for the live view. */
  live(nowMs: number): LiveStats {
    const elapsedMs = Math.max(0, nowMs - this.startMs);
    const last = this.perWindow[Math.floor(elapsedMs / this.windowMs) - 1];
    const perSecond = 1000 / this.windowMs;
    return {
      elapsedMs,
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      inFlight: this.sent - this.acked - this.failed,
      bytes: this.bytes,
      sentRate: last ? last.sent * perSecond : 0,
      ackedRate: last ? last.acked * perSecond : 0,
      latencyP99: this.acked > 0 ? round(this.latencyUs.getValueAtPercentile(99) / 1000, 3) : null,
    };
  }

  latency(): LatencySummary | null {
    const h = this.latencyUs;
    if (h.totalCount === 0) return null;
    const ms = (us: number) => round(us / 1000, 3);
    return {
      count: h.totalCount,
      min: ms(h.getValueAtPercentile(0)),
      mean: ms(h.mean),
      p50: ms(h.getValueAtPercentile(50)),
      p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
    };
  }

  /** The run's summary; `end` is the pacer's status once it is done. */
  summary(end: RunEnd): RunSummary {
    const elapsedMs = end.elapsedMs;
    const seconds = elapsedMs / 1000;
    const perSecond = (n: number) => (seconds > 0 ? round(n / seconds, 2) : 0);
    const forgivenEvents = end.forgivenEvents ?? 0;
    const expectedEvents = this.shape ? scheduledCount(this.shape, elapsedMs, this.cap) : null;

    const complete = this.windowReport(elapsedMs).filter((w) => w.complete);
    const counts = complete.map((w) => w.sent);
    const deviations = complete.flatMap((w) => (w.deviationPct === null ? [] : [w.deviationPct]));
    const n = counts.length;

    return {
      shape: this.shapeText,
      elapsedMs: round(elapsedMs, 3),
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      bytes: this.bytes,
      targetRate: expectedEvents === null ? null : perSecond(expectedEvents),
      achievedRate: perSecond(this.sent),
      ackedRate: perSecond(this.acked),
      expectedEvents,
      totalDeviationPct: expectedEvents ? pct(this.sent, expectedEvents) : null,
      windows: {
        count: n,
        minEvents: n ? least(counts) : null,
        maxEvents: n ? most(counts) : null,
        meanEvents: n ? round(counts.reduce((a, b) => a + b, 0) / n, 2) : null,
        minDeviationPct: deviations.length ? least(deviations) : null,
        maxDeviationPct: deviations.length ? most(deviations) : null,
        withinTolerance: this.shape ? deviations.filter((d) => Math.abs(d) <= this.tolerancePct).length : null,
      },
      tolerancePct: this.tolerancePct,
      targetReached: expectedEvents === null ? null : forgivenEvents === 0 && this.sent >= expectedEvents * (1 - this.tolerancePct / 100),
      forgivenEvents,
      behind: end.behind ? { events: end.behind.events, ms: round(end.behind.ms, 3) } : null,
      latencyMs: this.latency(),
    };
  }
}
