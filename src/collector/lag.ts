/**
 * Lag of one partition in messages: log-end offset minus the committed
 * offset, as Kafka's own kafka-consumer-groups reports it. Null when the
 * group has no committed offset there (where it would start depends on the
 * consumer's auto.offset.reset, which the broker doesn't know). Offsets are
 * read a few milliseconds apart, so a commit can land after the log end was
 * read; that is clamped to 0 rather than shown as negative lag.
 */
export function partitionLag(committed: number | null, logEnd: number): number | null {
  if (committed === null || committed < 0) return null;
  return Math.max(0, logEnd - committed);
}

/** Sum of the known partition lags (partitions without a commit don't count). */
export function totalLag(lags: Iterable<number | null>): number {
  let sum = 0;
  for (const l of lags) if (l !== null) sum += l;
  return sum;
}
