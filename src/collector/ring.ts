/**
 * A fixed-capacity series of (time, value) points, oldest first; pushing to a
 * full series drops its oldest point. Backed by typed arrays so that a
 * dashboard watching thousands of partitions for hours keeps flat memory.
 */
export class Series {
  readonly capacity: number;
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`series capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(t: number, v: number): void {
    const i = (this.head + this.size) % this.capacity;
    this.ts[i] = t;
    this.vs[i] = v;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Time of the i-th point, 0 being the oldest. */
  time(i: number): number {
    return this.ts[(this.head + i) % this.capacity]!;
  }

  /** Value of the i-th point, 0 being the oldest. */
  value(i: number): number {
    return this.vs[(this.head + i) % this.capacity]!;
  }

  /** The newest point, or undefined when empty. */
  last(): { t: number; v: number } | undefined {
    return this.size === 0 ? undefined : { t: this.time(this.size - 1), v: this.value(this.size - 1) };
  }

  values(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.value(i);
    return out;
  }

  points(): { t: number; v: number }[] {
    const out = new Array<{ t: number; v: number }>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = { t: this.time(i), v: this.value(i) };
    return out;
  }
}

/**
 * Series by key (a partition, a group…), created on first use. `retain` drops
 * the keys a sample no longer saw, so deleted topics and groups free their
 * history instead of accumulating for the life of the session.
 */
export class SeriesMap {
  private readonly map = new Map<string, Series>();

  constructor(private readonly capacity: number) {}

  get(key: string): Series | undefined {
    return this.map.get(key);
  }

  push(key: string, t: number, v: number): Series {
    let s = this.map.get(key);
    if (!s) {
      s = new Series(this.capacity);
      this.map.set(key, s);
    }
    s.push(t, v);
    return s;
  }

  retain(keep: Set<string>): void {
    for (const key of this.map.keys()) if (!keep.has(key)) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
