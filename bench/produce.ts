/**
 * Benchmark: streamctl produce against Kafka's own kafka-producer-perf-test,
 * side by side in one run on the running local platform.
 *
 *   npm run bench:produce            (needs `streamctl dev up`; ~4 minutes)
 *
 * Pacing is judged from the records themselves: each record's CreateTime
 * (stamped by the producer at send) is read back with kcat and bucketed into
 * 1-second windows from the first record, so both tools are measured the
 * same way, by a client that is neither of them. Results are appended to
 * docs/benchmarks.md with the machine and the date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/index.js';
import { resolveEndpoints } from '../src/config/endpoints.js';
import { createKafka } from '../src/kafka/client.js';
import { ensureTopic } from '../src/kafka/topics.js';
import { VERSIONS } from '../src/platform/versions.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'streamctl');
const config = resolveConfig();
const brokers = resolveEndpoints(config).kafka.brokers.join(',');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);

function toolsClasspath(): string {
  // kafka-producer-perf-test lives in kafka-tools, which the broker doesn't need: fetched for the benchmark only.
  const dir = join(config.dev.cacheDir, `kafka-tools-${VERSIONS.kafka}`);
  if (!existsSync(join(dir, '.complete'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>streamctl</groupId><artifactId>bench</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${VERSIONS.kafka}</version></dependency>
<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${VERSIONS.log4j}</version></dependency></dependencies></project>`,
    );
    execFileSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(dir, 'pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(dir, 'libs')}`,
      ],
      { stdio: 'inherit' },
    );
    writeFileSync(join(dir, '.complete'), '');
  }
  return join(dir, 'libs', '*');
}

interface Windows {
  records: number;
  windows: number[];
  spanMs: number;
}

/** Reads every record's CreateTime with kcat and counts records per second from the first one. */
function windowsOf(topic: string): Windows {
  const out = execFileSync('kcat', ['-b', brokers, '-C', '-t', topic, '-e', '-q', '-f', '%T\\n'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const ts = out
    .trim()
    .split('\n')
    .map(Number)
    .sort((a, b) => a - b);
  const t0 = ts[0]!;
  const windows: number[] = [];
  for (const t of ts) {
    const w = Math.floor((t - t0) / 1000);
    windows[w] = (windows[w] ?? 0) + 1;
  }
  return { records: ts.length, windows: Array.from(windows, (c) => c ?? 0), spanMs: ts[ts.length - 1]! - t0 };
}

interface Row {
  tool: string;
  target: string;
  records: number;
  totalDevPct: number | null;
  completeWindows: number;
  minWin: number;
  maxWin: number;
  worstWinDevPct: number | null;
  within1pct: string;
  achieved: number;
  cpuSeconds: number;
}

function judge(tool: string, rate: number | null, expected: number, w: Windows, cpuSeconds: number): Row {
  // Whole windows only: the last one is cut by the end of the run.
  const complete = w.windows.slice(0, Math.floor(w.spanMs / 1000));
  const dev = (x: number, t: number) => ((x - t) / t) * 100;
  const worst = rate === null ? null : complete.reduce((m, c) => (Math.abs(dev(c, rate)) > Math.abs(m) ? dev(c, rate) : m), 0);
  return {
    tool,
    target: rate === null ? 'max' : `${rate}/s`,
    records: w.records,
    totalDevPct: rate === null ? null : Number(dev(w.records, expected).toFixed(3)),
    completeWindows: complete.length,
    minWin: complete.length ? Math.min(...complete) : NaN,
    maxWin: complete.length ? Math.max(...complete) : NaN,
    worstWinDevPct: worst === null ? null : Number(worst.toFixed(2)),
    within1pct: rate === null ? '-' : `${complete.filter((c) => Math.abs(dev(c, rate)) <= 1).length}/${complete.length}`,
    achieved: Math.round(w.records / Math.max(w.spanMs / 1000, 0.001)),
    cpuSeconds: Number(cpuSeconds.toFixed(1)),
  };
}

function timed(cmd: string, args: string[]): { cpu: number; stdout: string } {
  // GNU time reports user+sys CPU of the whole tool (JVM or Node), the cost a user pays.
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-2000)}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { cpu: (last[0] ?? 0) + (last[1] ?? 0), stdout: r.stdout };
}

function streamctl(topic: string, rate: number | null, events: number): number {
  const args = [
    bin,
    'produce',
    '--schema',
    join(root, 'schemas', 'transaction_event.avsc'),
    '--topic',
    topic,
    '--partitions',
    '3',
    '--events',
    String(events),
    '--rate',
    rate === null ? 'max' : `${rate}/s`,
    '-o',
    'json',
  ];
  return timed(process.execPath, args).cpu;
}

async function createTopic(topic: string): Promise<void> {
  const admin = createKafka({ brokers: brokers.split(',') }).admin();
  await admin.connect();
  await ensureTopic(admin, topic, { partitions: 3 });
  await admin.disconnect();
}

function perfTest(topic: string, rate: number | null, events: number, recordSize: number): number {
  const args = [
    '-Xmx512m',
    '-cp',
    toolsClasspath(),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(events),
    '--record-size',
    String(recordSize),
    '--throughput',
    String(rate ?? -1),
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
  ];
  return timed('java', args).cpu;
}

const runId = Date.now().toString(36);
const rows: Row[] = [];
const sample = `bench-size-${runId}`;
streamctl(sample, null, 2000);
const avgSize = Math.round(
  Number(
    execFileSync('kcat', ['-b', brokers, '-C', '-t', sample, '-e', '-q', '-f', '%S\\n'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .reduce((a, b) => a + b, 0),
  ) / 2000,
);

for (const rate of [1000, 10000]) {
  const events = rate * SECONDS;
  for (const tool of ['streamctl', 'kafka-producer-perf-test']) {
    const topic = `bench-${tool === 'streamctl' ? 'sc' : 'java'}-${rate}-${runId}`;
    console.error(`${tool} at ${rate}/s for ${SECONDS}s…`);
    // The same 3-partition topic for both; the perf test would otherwise auto-create one partition.
    if (tool !== 'streamctl') await createTopic(topic);
    const cpu = tool === 'streamctl' ? streamctl(topic, rate, events) : perfTest(topic, rate, events, avgSize);
    rows.push(judge(tool, rate, events, windowsOf(topic), cpu));
  }
}
const maxEvents = Number(process.env.BENCH_MAX_EVENTS ?? 200_000);
for (const tool of ['streamctl', 'kafka-producer-perf-test']) {
  const topic = `bench-${tool === 'streamctl' ? 'sc' : 'java'}-max-${runId}`;
  console.error(`${tool} at max for ${maxEvents} events…`);
  if (tool !== 'streamctl') await createTopic(topic);
  const cpu = tool === 'streamctl' ? streamctl(topic, null, maxEvents) : perfTest(topic, null, maxEvents, avgSize);
  rows.push(judge(tool, null, maxEvents, windowsOf(topic), cpu));
}

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const head = `\n## produce pacing and throughput — ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpus().length} × ${cpuModel}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Kafka ${VERSIONS.kafka} (1 broker, local platform), record ≈ ${avgSize} B (TransactionEvent, Avro), acks=all, idempotent. Run: \`npm run bench:produce\` (${SECONDS} s per paced run). Windows are 1 s buckets of the records' CreateTime, read back with kcat; both tools measured the same way in the same run.\n\n`;
const table = [
  '| tool | target | records | total vs target | complete 1 s windows | min–max per window | worst window | windows within ±1% | achieved/s | CPU s |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.tool} | ${r.target} | ${r.records} | ${r.totalDevPct === null ? '-' : `${r.totalDevPct}%`} | ${r.completeWindows} | ${r.completeWindows ? `${r.minWin}–${r.maxWin}` : '-'} | ${r.worstWinDevPct === null ? '-' : `${r.worstWinDevPct}%`} | ${r.within1pct} | ${r.achieved} | ${r.cpuSeconds} |`,
  ),
].join('\n');
const doc = join(root, 'docs', 'benchmarks.md');
if (!existsSync(doc) || !readFileSync(doc, 'utf8').trim())
  writeFileSync(
    doc,
    '# Benchmarks\n\nMeasured, not timed in tests. Each section is one run, its tools side by side on the same machine at the same time.\n',
  );
appendFileSync(doc, head + table + '\n');
console.log(head + table);
