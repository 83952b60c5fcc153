/**
 * Benchmark: what watching the issue's workload costs streamctl — 1,000
 * partitions across 20 consumer groups, refreshed every second — measured on
 * `streamctl top` itself, narrowed to exactly that workload with --topic and
 * --group, on the shared local cluster.
 *
 *   npm run bench:top                  (needs `streamctl dev up`; 10 minutes)
 *   BENCH_MINUTES=2 npm run bench:top  (shorter)
 *   BENCH_WHOLE=0 npm run bench:top    (without the whole-cluster reference row)
 *
 * Setup: 20 topics × 50 partitions, each with records, and 20 groups (one per
 * topic) with committed offsets. During the run this process keeps the load
 * moving — 500 records/s spread over every partition, and every 5 s each
 * group's committed offsets advance to 10 behind the log end — so rates, lag,
 * time lag (records dated by Fetch) and verdicts all change, as in production.
 *
 * Measured, each in its own process so that the load generator isn't counted:
 * 1. `streamctl top --topic <the 20> --group <the 20>` in a 140×40 tmux pane
 *    (collector, Flink and registry, Ink rendering), read from /proc/<pid>
 *    (utime+stime, VmRSS) every 10 s, and its JS heap from bench/heap-log.mjs
 *    (preloaded) — the row the target is judged on;
 * 2. the collector alone with the same selection and sources (a child running
 *    Collector.start() at 1 s, reporting its own process.cpuUsage(), heap and
 *    sample durations), to tell sampling from drawing;
 * 3. for reference, plain `streamctl top` over the whole shared cluster
 *    (other work's topics and groups included), unless BENCH_WHOLE=0.
 * The first 30 s are warm-up (JIT, connections, history filling) and not
 * counted. Results are appended to docs/benchmarks.md with the machine. The
 * bench's topics and groups are deleted at the end, also after a failure or
 * Ctrl-C.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { Admin } from 'kafkajs';
import { resolveConfig } from '../src/config/index.js';
import { resolveEndpoints } from '../src/config/endpoints.js';
import { internalConnection } from '../src/collector/kafka-internal.js';
import { createKafka } from '../src/kafka/client.js';
import { ensureTopic } from '../src/kafka/topics.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const WHOLE = process.env.BENCH_WHOLE !== '0';
const INTERVAL_MS = 1000;
const TOPICS = 20;
const PARTITIONS = 50;
const WARMUP_MS = 30_000;
const REPORT_EVERY_MS = 10_000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Reading {
  /** Milliseconds since the measured process started. */
  t: number;
  /** CPU seconds used so far (user + system). */
  cpu: number;
  rssMiB: number;
  heapMiB?: number;
  samples?: number;
  sampleMs?: number[];
}

const topicsOf = (prefix: string) => Array.from({ length: TOPICS }, (_, i) => `${prefix}-t${String(i).padStart(2, '0')}`);
const groupOf = (topic: string) => `${topic}-group`;

if (process.argv.includes('--child')) {
  await child(process.env.BENCH_SCOPE!);
} else {
  await parent();
}

/** The collector alone, sampling the workload as `streamctl top --topic … --group …` does, reporting on itself. */
async function child(prefix: string): Promise<void> {
  const { createCollector } = await import('../src/collector/collector.js');
  const endpoints = resolveEndpoints(resolveConfig());
  const topics = topicsOf(prefix);
  // The options `streamctl top` passes for a selection (src/commands/top/index.ts).
  const collector = await createCollector(endpoints, {
    intervalMs: INTERVAL_MS,
    topics,
    groups: topics.map(groupOf),
    allTopics: false,
  });
  const started = Date.now();
  const durations: number[] = [];
  let samples = 0;
  let last = Date.now();
  collector.subscribe((s) => {
    samples++;
    durations.push(Date.now() - s.at);
    last = Date.now();
  });
  collector.start();
  const timer = setInterval(() => {
    const u = process.cpuUsage();
    const m = process.memoryUsage();
    const r: Reading = {
      t: Date.now() - started,
      cpu: (u.user + u.system) / 1e6,
      rssMiB: m.rss / 2 ** 20,
      heapMiB: m.heapUsed / 2 ** 20,
      samples,
      sampleMs: durations.splice(0),
    };
    process.stdout.write(`${JSON.stringify(r)}\n`);
    if (Date.now() - last > 30_000) process.stderr.write('warning: no sample for 30 s\n');
  }, REPORT_EVERY_MS);
  process.once('SIGTERM', async () => {
    clearInterval(timer);
    await collector.stop();
    process.exit(0);
  });
}

function procReading(pid: number, startedAt: number): Reading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { t: Date.now() - startedAt, cpu: ticks / CLK_TCK, rssMiB: Number(rss?.[1] ?? 0) / 1024 };
  } catch {
    return undefined;
  }
}

interface Summary {
  cpuPct: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  /** Least-squares slope of RSS over the measured period. */
  rssSlopeMiBPerMin: number;
  /** The same over the second half of the measured period, after V8 has sized its heap. */
  rssSlopeLateMiBPerMin: number;
  /** Least-squares slope of the JS heap in use over the measured period, when known. */
  heapSlopeMiBPerMin?: number;
  heapStart?: number;
  heapEnd?: number;
  samples?: number;
  p50?: number;
  p99?: number;
}

/** Least-squares slope of y over t, per minute. */
function slopePerMin(points: { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const den = Math.max(
    1e-9,
    points.reduce((s, p) => s + (p.t - mt) ** 2, 0),
  );
  return (num / den) * 60_000;
}

function summarize(readings: Reading[]): Summary | undefined {
  const measured = readings.filter((r) => r.t >= WARMUP_MS);
  if (measured.length < 2) return undefined;
  const first = measured[0]!;
  const last = measured[measured.length - 1]!;
  const late = measured.filter((r) => r.t >= (first.t + last.t) / 2);
  const heap = measured.filter((r) => r.heapMiB !== undefined);
  const durations = measured.flatMap((r) => r.sampleMs ?? []).sort((a, b) => a - b);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))];
  return {
    cpuPct: ((last.cpu - first.cpu) / ((last.t - first.t) / 1000)) * 100,
    rssStart: first.rssMiB,
    rssEnd: last.rssMiB,
    rssMax: Math.max(...measured.map((r) => r.rssMiB)),
    rssSlopeMiBPerMin: slopePerMin(measured.map((r) => ({ t: r.t, y: r.rssMiB }))),
    rssSlopeLateMiBPerMin: slopePerMin(late.map((r) => ({ t: r.t, y: r.rssMiB }))),
    ...(heap.length >= 2
      ? {
          heapStart: heap[0]!.heapMiB!,
          heapEnd: heap[heap.length - 1]!.heapMiB!,
          heapSlopeMiBPerMin: slopePerMin(heap.map((r) => ({ t: r.t, y: r.heapMiB! }))),
        }
      : {}),
    ...(durations.length ? { samples: durations.length, p50: pct(0.5)!, p99: pct(0.99)! } : {}),
  };
}

/** `streamctl top` with these arguments in a 140×40 tmux pane; readings from /proc every REPORT_EVERY_MS. */
function startTop(
  session: string,
  args: string[],
): { readings: () => Reading[]; live: () => { t: number; liveMiB: number }[]; screen: () => string; stop: () => void } {
  const liveHeap: { t: number; liveMiB: number }[] = [];
  // A tmux server started earlier keeps its own environment: streamctl's settings go on the command line.
  const vars = Object.entries(process.env)
    .filter(([k]) => k.startsWith('STREAMCTL_'))
    .map(([k, v]) => `${k}=${v}`);
  // CI in the environment would make Ink stop drawing; a person's terminal doesn't have it. Names are [a-z0-9-]: no quoting needed.
  const heapLog = join(tmpdir(), `${session}-heap.log`);
  rmSync(heapLog, { force: true });
  const command = [
    'exec',
    'env',
    '-u',
    'CI',
    ...vars,
    `BENCH_HEAP_LOG=${heapLog}`,
    'node',
    '--expose-gc',
    '--import',
    pathToFileURL(join(root, 'bench', 'heap-log.mjs')).href,
    join(root, 'bin', 'streamctl'),
    'top',
    ...args,
  ].join(' ');
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '140', '-y', '40', '-c', root, command]);
  const started = Date.now();
  const pid = Number(execFileSync('tmux', ['display-message', '-p', '-t', session, '#{pane_pid}'], { encoding: 'utf8' }).trim());
  const readings: Reading[] = [];
  const poll = setInterval(() => {
    const r = procReading(pid, started);
    if (r) readings.push(r);
  }, REPORT_EVERY_MS);
  return {
    // /proc readings, each with the JS heap of the nearest heap-log line (same 10 s cadence).
    readings: () => {
      const lines = existsSync(heapLog) ? readFileSync(heapLog, 'utf8').trim().split('\n').filter(Boolean) : [];
      const heap = lines.filter((l) => !l.includes(' live ')).map((l) => l.split(' ').map(Number) as [number, number, number]);
      // Live heap (after a full GC, once a minute): a reading of its own kind, t and liveMiB only.
      const live = lines
        .filter((l) => l.includes(' live '))
        .map((l) => {
          const [t, , bytes] = l.split(' ');
          return { t: Number(t), liveMiB: Number(bytes) / 2 ** 20 };
        });
      liveHeap.splice(0, liveHeap.length, ...live);
      return readings.map((r) => {
        let best: [number, number, number] | undefined;
        for (const h of heap) if (!best || Math.abs(h[0] - r.t) < Math.abs(best[0] - r.t)) best = h;
        return best && Math.abs(best[0] - r.t) <= REPORT_EVERY_MS ? { ...r, heapMiB: best[1] / 2 ** 20 } : r;
      });
    },
    live: () => liveHeap,
    screen: () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }),
    stop: () => {
      clearInterval(poll);
      quietly('tmux', ['send-keys', '-t', session, 'q']);
    },
  };
}

async function parent(): Promise<void> {
  const endpoints = resolveEndpoints(resolveConfig());
  const kafka = createKafka({ brokers: endpoints.kafka.brokers, clientId: 'bench-top-load' });
  const admin = kafka.admin();
  await admin.connect();
  const runId = Date.now().toString(36);
  const prefix = `bench-top-${runId}`;
  const topics = topicsOf(prefix);
  const groups = topics.map(groupOf);
  const sessions: string[] = [];
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let cleaned: Promise<void> | undefined;
  // Whatever ends the run — done, failed, Ctrl-C — the terminals, children, topics and groups go.
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const s of sessions) quietly('tmux', ['kill-session', '-t', s]);
      for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
      for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => {});
      await deleteWorkload(admin, prefix, topics, groups);
      await admin.disconnect().catch(() => {});
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up…`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await run();
  } finally {
    await cleanup();
  }
  process.exit(0);

  async function run(): Promise<void> {
    console.error(`creating ${TOPICS} topics × ${PARTITIONS} partitions (${prefix}-t…) and producing to them…`);
    for (const t of topics) await ensureTopic(admin, t, { partitions: PARTITIONS, timeoutMs: 60_000 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // 20 records in every partition, then every group committed 10 behind the end.
    for (const t of topics) {
      await producer.send({
        topic: t,
        acks: -1,
        messages: Array.from({ length: PARTITIONS * 20 }, (_, i) => ({ partition: i % PARTITIONS, value: `seed-${i}` })),
      });
    }
    // Offsets are committed the way member-less consumers (Flink's Kafka source) do: an OffsetCommit
    // outside any generation. admin.setOffsets would join each group (seconds per group, and the
    // groups would flip to Stable); kafkajs has no public call for this, so the bench uses the same
    // private connection as the collector (src/collector/kafka-internal.ts).
    const internal = internalConnection(kafka)!;
    cleanups.push(() => internal.close());
    const commit = async (groupId: string, topic: string, partitions: { partition: number; offset: string }[]) => {
      const c = await internal.get();
      const { coordinator } = await c.findGroupCoordinatorMetadata({ groupId });
      const broker = (await c.findBroker({ nodeId: String(coordinator.nodeId) })) as unknown as {
        offsetCommit(r: { groupId: string; groupGenerationId: number; memberId: string; topics: unknown[] }): Promise<unknown>;
      };
      await broker.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: [{ topic, partitions }] });
    };
    const advance = async () => {
      for (let i = 0; i < TOPICS; i++) {
        const ends = await admin.fetchTopicOffsets(topics[i]!);
        await commit(
          groups[i]!,
          topics[i]!,
          ends.map((e) => ({ partition: e.partition, offset: String(Math.max(0, Number(e.high) - 10)) })),
        );
      }
    };
    console.error(`committing offsets for ${TOPICS} groups…`);
    await advance();

    let stopLoad = false;
    const load = (async () => {
      let n = 0;
      let nextAdvance = Date.now() + 5000;
      while (!stopLoad) {
        const tick = Date.now();
        // 500 records/s: 25 per topic, round-robin over its partitions.
        await Promise.all(
          topics.map((t) =>
            producer.send({
              topic: t,
              acks: -1,
              messages: Array.from({ length: 25 }, () => ({ partition: n++ % PARTITIONS, value: `load-${n}` })),
            }),
          ),
        );
        if (Date.now() >= nextAdvance) {
          await advance();
          nextAdvance += 5000;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
      }
    })().catch((err: unknown) => console.error(`warning: the load stopped: ${String(err)}`));
    // Before the producer disconnects (cleanups run in reverse).
    cleanups.push(async () => {
      stopLoad = true;
      await load;
    });

    const totals = await admin.fetchTopicMetadata();
    const clusterTopics = totals.topics.filter((t) => !t.name.startsWith('__'));
    const clusterPartitions = clusterTopics.reduce((s, t) => s + t.partitions.length, 0);
    const clusterGroups = (await admin.listGroups()).groups.length;
    console.error(
      `cluster: ${clusterTopics.length} topics, ${clusterPartitions} partitions, ${clusterGroups} groups; measuring for ${MINUTES} min…`,
    );

    // 1. `streamctl top` narrowed to the workload: the row the target is judged on.
    const selected = startTop(`${prefix}-selected`, ['--topic', topics.join(','), '--group', groups.join(',')]);
    sessions.push(`${prefix}-selected`);
    // 2. The collector alone with the same selection and sources: top's cost without drawing.
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_SCOPE: prefix },
    });
    children.push(proc);
    const collectorReadings: Reading[] = [];
    createInterface({ input: proc.stdout! }).on('line', (l) => collectorReadings.push(JSON.parse(l) as Reading));
    // 3. For reference, the whole shared cluster.
    const whole = WHOLE ? startTop(`${prefix}-whole`, []) : undefined;
    if (whole) sessions.push(`${prefix}-whole`);

    await new Promise((r) => setTimeout(r, MINUTES * 60_000 + 2000));
    const screens = { selected: selected.screen(), whole: whole?.screen() };
    selected.stop();
    whole?.stop();
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r(null)));
    await new Promise((r) => setTimeout(r, 1000));

    // The selected screen must show exactly the workload, or the numbers are of something else.
    const shown =
      screens.selected.includes(`only ${TOPICS} groups, ${TOPICS} topics`) &&
      screens.selected.includes(`CONSUMER GROUPS (${TOPICS})`) &&
      screens.selected.includes(`TOPICS (${TOPICS})`);
    if (!shown) console.error(`warning: the selected top did not show the ${TOPICS} groups and topics:\n${screens.selected}`);
    if (screens.whole !== undefined && !screens.whole.includes('CONSUMER GROUPS'))
      console.error(`warning: the whole-cluster top did not show the dashboard:\n${screens.whole}`);

    const t = summarize(selected.readings());
    const live = selected.live().filter((l) => l.t >= WARMUP_MS);
    const liveSlope = slopePerMin(live.map((l) => ({ t: l.t, y: l.liveMiB })));
    const c = summarize(collectorReadings);
    const w = whole ? summarize(whole.readings()) : undefined;
    if (!t || !c) throw new Error(`too few readings after the ${WARMUP_MS / 1000} s warm-up; run longer (BENCH_MINUTES)`);
    const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
    const head = `\n## top: cost of watching 1,000 partitions and 20 groups — ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} (\`nproc\` ${execFileSync('nproc', { encoding: 'utf8' }).trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Kafka on the local platform (1 broker), shared with other work running at the same time. Run: \`BENCH_MINUTES=${MINUTES} npm run bench:top\` — ${MINUTES} min at a 1 s refresh, the first 30 s not counted. Load: ${TOPICS} topics × ${PARTITIONS} partitions read by ${TOPICS} groups, 500 records/s produced over all of them and every group's offsets advanced every 5 s. \`streamctl top --topic <the ${TOPICS}> --group <the ${TOPICS}>\` watches exactly that workload (plus Flink and the registry); the collector alone samples the same (Flink and the registry included) without drawing a screen${w ? `; plain \`streamctl top\` watches the whole shared cluster for reference: ${clusterTopics.length} topics, ${clusterPartitions} partitions, ${clusterGroups} groups (other work's included)` : ''}. All ran at the same time. CPU is % of one core over the measured period (utime+stime from /proc for top: all threads, GC included; process.cpuUsage for the collector).\n\n`;
    const row = (name: string, x: Summary, detail: boolean) =>
      `| ${name} | ${f(x.cpuPct, 2)} | ${f(x.rssStart)} → ${f(x.rssEnd)} MiB (max ${f(x.rssMax)}) | ${f(x.rssSlopeMiBPerMin, 2)} / ${f(x.rssSlopeLateMiBPerMin, 2)} MiB/min | ${x.heapStart !== undefined ? `${f(x.heapStart)} → ${f(x.heapEnd)} MiB (${f(x.heapSlopeMiBPerMin, 2)} MiB/min)` : '-'} | ${detail ? `${x.p50 ?? '-'} / ${x.p99 ?? '-'} ms (${x.samples ?? 0})` : '-'} |`;
    const table = [
      '| process | CPU (% of one core) | RSS start → end | RSS trend: whole / second half | JS heap in use start → end (trend) | sample duration p50 / p99 (samples) |',
      '| --- | --- | --- | --- | --- | --- |',
      row(`**\`streamctl top --topic … --group …\`**, 140×40 tmux, the ${TOPICS * PARTITIONS} partitions and ${TOPICS} groups`, t, false),
      row('collector alone, same selection (no screen)', c, true),
      ...(w ? [row(`\`streamctl top\`, 140×40 tmux, whole cluster (${clusterPartitions} partitions; reference)`, w, false)] : []),
    ].join('\n');
    const cpuMet = t.cpuPct <= 5;
    // A leak shows as a live heap (after a full GC) that keeps growing; heap in use between
    // collections is a sawtooth of garbage, and RSS also moves as V8 sizes its heap spaces.
    const flat = live.length >= 3 && Math.abs(liveSlope) < 0.25;
    const target = `\nTarget: ≤ 5 % of one core and flat memory for \`streamctl top\` on ${TOPICS * PARTITIONS} partitions across ${TOPICS} groups at 1 s, judged on the first row. CPU: ${cpuMet ? 'met' : 'not met'} (${f(t.cpuPct, 2)} %). Memory (flat = the live JS heap, measured after a full GC once a minute, trends within ±0.25 MiB/min): ${flat ? 'flat' : 'not flat'} (live heap ${live.length ? `${f(live[0]!.liveMiB)} → ${f(live[live.length - 1]!.liveMiB)} MiB over ${live.length} readings, trend ${f(liveSlope, 3)} MiB/min` : 'not measured'}; RSS ${f(t.rssSlopeMiBPerMin, 2)} MiB/min over the run, ${f(t.rssSlopeLateMiBPerMin, 2)} over its second half)${MINUTES < 10 ? `; ${MINUTES} minutes is short for this verdict, the 10-minute default run settles it` : ''}.${shown ? '' : ' Warning: the selected top did not show the workload; see the run log.'}\n`;
    const doc = join(root, 'docs', 'benchmarks.md');
    if (!existsSync(doc) || !readFileSync(doc, 'utf8').trim()) writeFileSync(doc, '# Benchmarks\n');
    appendFileSync(doc, head + table + '\n' + target);
    console.log(head + table + '\n' + target);
  }
}

/** Deletes the bench's groups, then its topics, and says so if any is left behind. */
async function deleteWorkload(admin: Admin, prefix: string, topics: string[], groups: string[]): Promise<void> {
  const existing = new Set((await admin.listGroups().catch(() => ({ groups: [] }))).groups.map((g) => g.groupId));
  const ours = groups.filter((g) => existing.has(g));
  if (ours.length) await admin.deleteGroups(ours).catch((err: unknown) => console.error(`warning: deleting groups: ${String(err)}`));
  const created = (await admin.listTopics().catch(() => [] as string[])).filter((t) => topics.includes(t));
  if (created.length)
    await admin.deleteTopics({ topics: created }).catch((err: unknown) => console.error(`warning: deleting topics: ${String(err)}`));
  const leftTopics = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(prefix));
  const leftGroups = (await admin.listGroups().catch(() => ({ groups: [] }))).groups.filter((g) => g.groupId.startsWith(prefix));
  if (leftTopics.length || leftGroups.length)
    console.error(`warning: left behind: ${[...leftTopics, ...leftGroups.map((g) => g.groupId)].join(', ')}`);
  else console.error(`cleaned up: ${created.length} topics and ${ours.length} groups of ${prefix} deleted`);
}

function quietly(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
