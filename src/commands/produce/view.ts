import type { LiveUpdate, ProduceResult } from '../../produce/run.js';
import type { Style } from '../../output/style.js';
import { renderTable } from '../../output/table.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const bytes = (x: number) =>
  x >= 1024 * 1024 ? `${(x / 1024 / 1024).toFixed(1)} MiB` : x >= 1024 ? `${(x / 1024).toFixed(1)} KiB` : `${Math.round(x)} B`;
const rate = (x: number | null) => (x === null ? 'max' : `${n(x)}/s`);

/** Time left: the nearer of the duration's end and the events' end at the target rate. */
export function eta(u: LiveUpdate): string | null {
  const candidates: number[] = [];
  if (u.limits.durationMs !== null) candidates.push(Math.max(0, u.limits.durationMs - u.stats.elapsedMs));
  const r = u.pacer.targetRate ?? u.stats.sentRate;
  if (u.limits.events !== null && r > 0) candidates.push(((u.limits.events - u.stats.sent) / r) * 1000);
  if (candidates.length === 0) return null;
  const secs = Math.max(0, Math.ceil(Math.min(...candidates) / 1000));
  return secs >= 60 ? `${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s` : `${secs}s`;
}

/** One line for the live view, redrawn in place on a terminal. */
export function liveLine(u: LiveUpdate, style: Style): string {
  const s = u.stats;
  const secs = (s.elapsedMs / 1000).toFixed(1).padStart(6);
  const target = u.pacer.targetRate === null ? '' : ` target ${rate(u.pacer.targetRate)}`;
  const p99 = s.latencyP99 === null ? '' : `  p99 ${s.latencyP99.toFixed(1)} ms`;
  const left = eta(u);
  let line = `${secs}s  sent ${n(s.sent)} (${n(s.sentRate)}/s${target})  acked ${n(s.acked)}  in flight ${n(s.inFlight)}${p99}${left === null ? '' : `  ETA ${left}`}`;
  if (s.failed > 0) line += style.red(`  failed ${n(s.failed)}`);
  if (u.pacer.behind.events > 0 || u.pacer.forgivenEvents > 0) {
    line += style.yellow(`  behind by ${n(u.pacer.behind.events)} events: target not reached`);
  }
  return line;
}

/** The summary printed when the run ends. */
export function summaryView(r: ProduceResult, style: Style): string {
  const s = r.summary;
  const table = renderTable(
    ['topic', 'subject', 'schema id', 'partitions', 'events'],
    r.topics.map((t) => [
      t.topic + (t.created ? style.dim(' (created)') : ''),
      t.subject ?? '-',
      t.schemaId ?? '-',
      t.partitions,
      n(t.events),
    ]),
    style,
  );
  const lines = [table, ''];
  lines.push(
    `sent ${n(s.sent)} events in ${(s.elapsedMs / 1000).toFixed(1)}s: target ${rate(s.targetRate)}, achieved ${s.achievedRate.toFixed(1)}/s`,
  );
  const w = s.windows;
  if (w.count > 0 && w.minEvents !== null && s.targetRate !== null) {
    lines.push(
      `per-second windows: ${w.count} complete, ${n(w.minEvents)}–${n(w.maxEvents ?? 0)} events, ${w.withinTolerance}/${w.count} within ±${s.tolerancePct}% of target` +
        (w.minDeviationPct !== null ? ` (deviation ${w.minDeviationPct}% … +${w.maxDeviationPct}%)` : ''),
    );
  }
  const lat = s.latencyMs
    ? ` (ack latency p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms)`
    : '';
  lines.push(
    `acked ${n(s.acked)}${lat}, failed ${n(s.failed)}; ${bytes(s.bytes)} (${bytes(s.bytes / Math.max(s.elapsedMs / 1000, 0.001))}/s)`,
  );
  if (s.targetReached === false) {
    lines.push(
      style.yellow(
        `target not reached: ${n(s.forgivenEvents)} events behind schedule were dropped from the plan; the producer is slower than ${rate(s.targetRate)}`,
      ),
    );
  }
  const delivery = r.transactional
    ? `transactional (${r.transactional.id}, ${r.transactional.transactions} transactions)`
    : r.acks === -1
      ? 'idempotent, acks=all'
      : `acks=${r.acks}`;
  lines.push(
    style.dim(
      `${r.format === 'avro' ? 'Avro, Confluent wire format' : 'JSON'}; ${delivery}; compression ${r.compression}; client ${r.client === 'platformatic' ? '@platformatic/kafka' : 'kafkajs'}; seed ${r.seed}; ended by ${r.endReason}`,
    ),
  );
  return lines.join('\n');
}
