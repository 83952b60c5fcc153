/**
 * Benchmark: what watching a cluster costs streamctl — the collector behind
 * `streamctl top` / `streamctl lag --watch`, and the full `streamctl top` in a
 * terminal — on a cluster with 1,000 partitions read by 20 consumer groups,
 * refreshed every second.
 *
 *   npm run bench:top                  (needs `streamctl dev up`; 10 minutes)
 *   BENCH_MINUTES=2 npm run bench:top  (shorter)
 *
 * Setup: 20 topics × 50 partitions, each with records, and 20 groups (one per
 * topic) with committed offsets. During the run this process keeps the load
 * moving — 500 records/s spread over every partition, and every 5 s each
 * group's committed offsets advance to 10 behind the log end — so rates, lag,
 * time lag (records dated by Fetch) and verdicts all change, as in production.
 *
 * Measured, each in its own process so that the load generator isn't counted:
 * 1. the collector alone (a child running Collector.start() at 1 s), which
 *    reports its own process.cpuUsage() and memoryUsage() every 10 s;
 * 2. `streamctl top` itself in a 140×40 tmux pane (collector + Ink rendering),
 *    read from /proc/<pid> (utime+stime, VmRSS) at the same moments.
 * The first 30 s are warm-up (JIT, connections, history filling) and not
 * counted. Results are appended to docs/benchmarks.md with the machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { resolveConfig } from '../src/config/index.js';
import { resolveEndpoints } from '../src/config/endpoints.js';
import { internalConnection } from '../src/collector/kafka-internal.js';
import { createKafka } from '../src/kafka/client.js';
import { ensureTopic } from '../src/kafka/topics.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const INTERVAL_MS = 1000;
const TOPICS = 20;
const PARTITIONS = 50;
const WARMUP_MS = 30_000;
const REPORT_EVERY_MS = 10_000;

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

if (process.argv.includes('--child')) {
  await child(process.env.BENCH_SCOPE);
} else {
  await parent();
}

/** The collector alone, sampling like `streamctl top` does, reporting on itself. */
/** `scope`: "<prefix>" to watch only the bench's own topics and groups (the workload as specified), else the whole cluster. */
async function child(scope: string | undefined): Promise<void> {
  const { createCollector } = await import('../src/collector/collector.js');
  const endpoints = resolveEndpoints(resolveConfig());
  const names = scope ? Array.from({ length: TOPICS }, (_, i) => `${scope}-t${String(i).padStart(2, '0')}`) : undefined;
  const collector = await createCollector(endpoints, {
    intervalMs: INTERVAL_MS,
    ...(names ? { topics: names, groups: names.map((t) => `${t}-group`), allTopics: false } : {}),
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
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { t: Date.now() - startedAt, cpu: ticks / hz, rssMiB: Number(rss?.[1] ?? 0) / 1024 };
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
  heapStart?: number;
  heapEnd?: number;
  samples?: number;
  p50?: number;
  p99?: number;
}

function summarize(readings: Reading[]): Summary {
  const measured = readings.filter((r) => r.t >= WARMUP_MS);
  const first = measured[0]!;
  const last = measured[measured.length - 1]!;
  const n = measured.length;
  const mt = measured.reduce((s, r) => s + r.t, 0) / n;
  const mr = measured.reduce((s, r) => s + r.rssMiB, 0) / n;
  const slope =
    measured.reduce((s, r) => s + (r.t - mt) * (r.rssMiB - mr), 0) /
    Math.max(
      1e-9,
      measured.reduce((s, r) => s + (r.t - mt) ** 2, 0),
    );
  const durations = readings
    .filter((r) => r.t >= WARMUP_MS)
    .flatMap((r) => r.sampleMs ?? [])
    .sort((a, b) => a - b);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))];
  return {
    cpuPct: ((last.cpu - first.cpu) / ((last.t - first.t) / 1000)) * 100,
    rssStart: first.rssMiB,
    rssEnd: last.rssMiB,
    rssMax: Math.max(...measured.map((r) => r.rssMiB)),
    rssSlopeMiBPerMin: slope * 60_000,
    ...(first.heapMiB !== undefined ? { heapStart: first.heapMiB, heapEnd: last.heapMiB! } : {}),
    ...(durations.length ? { samples: durations.length, p50: pct(0.5)!, p99: pct(0.99)! } : {}),
  };
}

async function parent(): Promise<void> {
  const endpoints = resolveEndpoints(resolveConfig());
  const kafka = createKafka({ brokers: endpoints.kafka.brokers, clientId: 'bench-top-load' });
  const admin = kafka.admin();
  await admin.connect();
  const runId = Date.now().toString(36);
  const prefix = `bench-top-${runId}`;
  const topics = Array.from({ length: TOPICS }, (_, i) => `${prefix}-t${String(i).padStart(2, '0')}`);
  const groups = topics.map((t) => `${t}-group`);
  console.error(`creating ${TOPICS} topics × ${PARTITIONS} partitions and producing to them…`);
  for (const t of topics) await ensureTopic(admin, t, { partitions: PARTITIONS, timeoutMs: 60_000 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
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
  console.error('committing offsets for 20 groups…');
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
  })();

  const totals = await admin.fetchTopicMetadata();
  const clusterPartitions = totals.topics.filter((t) => !t.name.startsWith('__')).reduce((s, t) => s + t.partitions.length, 0);
  const clusterGroups = (await admin.listGroups()).groups.length;
  console.error(
    `cluster: ${totals.topics.length} topics, ${clusterPartitions} partitions, ${clusterGroups} groups; measuring for ${MINUTES} min…`,
  );

  // 1. The collector alone, over the whole cluster and over the specified workload only.
  const startChild = (scope?: string) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...(scope ? { BENCH_SCOPE: scope } : {}) },
    });
    const readings: Reading[] = [];
    createInterface({ input: proc.stdout }).on('line', (l) => readings.push(JSON.parse(l) as Reading));
    return { proc, readings };
  };
  const whole = startChild();
  const scoped = startChild(prefix);

  // 2. The real `streamctl top` in a terminal.
  const session = `bench-top-${runId}`;
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '140',
    '-y',
    '40',
    '-c',
    root,
    `exec env -u CI node ${join(root, 'bin', 'streamctl')} top`,
  ]);
  const topStarted = Date.now();
  const topPid = Number(execFileSync('tmux', ['display-message', '-p', '-t', session, '#{pane_pid}'], { encoding: 'utf8' }).trim());
  const topReadings: Reading[] = [];
  const poll = setInterval(() => {
    const r = procReading(topPid, topStarted);
    if (r) topReadings.push(r);
  }, REPORT_EVERY_MS);

  await new Promise((r) => setTimeout(r, MINUTES * 60_000 + 2000));
  clearInterval(poll);
  const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
  execFileSync('tmux', ['send-keys', '-t', session, 'q']);
  for (const { proc } of [whole, scoped]) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
  await new Promise((r) => setTimeout(r, 1000));
  spawnQuiet('tmux', ['kill-session', '-t', session]);
  stopLoad = true;
  await load;
  await producer.disconnect();
  await internal.close();
  await admin.deleteGroups(groups).catch(() => {});
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();

  if (!screen.includes('CONSUMER GROUPS')) console.error(`warning: the top screen did not show the dashboard:\n${screen}`);
  const c = summarize(whole.readings);
  const w = summarize(scoped.readings);
  const t = summarize(topReadings);
  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  const head = `\n## top: cost of watching a cluster — ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} (\`nproc\` ${execFileSync('nproc', { encoding: 'utf8' }).trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Kafka on the local platform (1 broker), shared with other work running at the same time. Run: \`BENCH_MINUTES=${MINUTES} npm run bench:top\` — ${MINUTES} min at a 1 s refresh, the first 30 s not counted. Load: ${TOPICS} topics × ${PARTITIONS} partitions read by ${TOPICS} groups, 500 records/s produced over all of them and every group's offsets advanced every 5 s. \`streamctl top\` and the first collector watch the whole cluster: ${totals.topics.length} topics, ${clusterPartitions} partitions, ${clusterGroups} groups (other tests' topics and groups included), plus Flink and the registry; the second collector watches only the ${TOPICS * PARTITIONS} partitions and ${TOPICS} groups of the workload (\`topics\`/\`groups\` options, no Flink/registry). All three ran at the same time. CPU is % of one core over the measured period (process.cpuUsage, or utime+stime from /proc for top: all threads, GC included).\n\n`;
  const row = (name: string, x: Summary, detail: boolean) =>
    `| ${name} | ${f(x.cpuPct, 2)} | ${f(x.rssStart)} → ${f(x.rssEnd)} MiB (max ${f(x.rssMax)}) | ${f(x.rssSlopeMiBPerMin, 2)} MiB/min | ${detail ? `${f(x.heapStart)} → ${f(x.heapEnd)} MiB` : '-'} | ${detail ? `${x.p50 ?? '-'} / ${x.p99 ?? '-'} ms (${x.samples ?? 0})` : '-'} |`;
  const table = [
    '| process | CPU (% of one core) | RSS start → end | RSS trend | JS heap start → end | sample duration p50 / p99 (samples) |',
    '| --- | --- | --- | --- | --- | --- |',
    row(`\`streamctl top\`, 140×40 tmux, whole cluster`, t, false),
    row('collector alone, whole cluster', c, true),
    row(`collector alone, the workload only (${TOPICS * PARTITIONS} partitions, ${TOPICS} groups)`, w, true),
  ].join('\n');
  const cpuMet = t.cpuPct <= 5 && w.cpuPct <= 5;
  const flat = [t, c, w].every((x) => Math.abs(x.rssSlopeMiBPerMin) < 1);
  const target = `\nTarget: ≤ 5 % of one core, flat memory. CPU: ${cpuMet ? 'met' : 'not met'} (top ${f(t.cpuPct, 2)} % on this ${clusterPartitions}-partition cluster; ${f(w.cpuPct, 2)} % for the specified 1,000 partitions and 20 groups). Memory: ${flat ? 'no growth trend above 1 MiB/min' : 'a trend above 1 MiB/min, see the table'}${MINUTES < 10 ? `; ${MINUTES} minutes is short for this verdict, the 10-minute default run settles it` : ''}.\n`;
  const doc = join(root, 'docs', 'benchmarks.md');
  if (!existsSync(doc) || !readFileSync(doc, 'utf8').trim()) writeFileSync(doc, '# Benchmarks\n');
  appendFileSync(doc, head + table + '\n' + target);
  console.log(head + table + '\n' + target);
  process.exit(0);
}

function spawnQuiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
