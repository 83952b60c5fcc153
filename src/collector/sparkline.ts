const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /** Value drawn as the lowest bar. Default: 0, so a flat line at 5 reads as "some", not "none". */
  min?: number;
  /** Value drawn as the highest bar. Default: the largest value shown. */
  max?: number;
}

/**
 * Values as a line of block characters `width` wide, newest on the right.
 * More values than columns are bucketed by their maximum (a spike must not
 * vanish by averaging); fewer leave blanks on the left. Unknown values (null)
 * are blanks too.
 */
export function sparkline(values: readonly (number | null)[], width: number, options: SparklineOptions = {}): string {
  if (width <= 0) return '';
  const buckets: (number | null)[] = [];
  if (values.length <= width) {
    for (let i = 0; i < width - values.length; i++) buckets.push(null);
    buckets.push(...values);
  } else {
    // Bucket boundaries from the right, so the newest value always has a column of its own.
    const per = values.length / width;
    for (let c = 0; c < width; c++) {
      const from = Math.floor(values.length - (width - c) * per);
      const to = Math.floor(values.length - (width - c - 1) * per);
      let m: number | null = null;
      for (let i = Math.max(0, from); i < to; i++) {
        const v = values[i];
        if (v !== null && v !== undefined && (m === null || v > m)) m = v;
      }
      buckets.push(m);
    }
  }
  const min = options.min ?? 0;
  let max = options.max ?? -Infinity;
  if (options.max === undefined) for (const b of buckets) if (b !== null && b > max) max = b;
  const span = max - min;
  return buckets
    .map((b) => {
      if (b === null) return ' ';
      if (!(span > 0)) return BARS[0];
      const level = Math.round(((Math.min(max, Math.max(min, b)) - min) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}
