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
// BENCH_PACING=0 runs the throughput comparison only.
const PACING = process.env.BENCH_PACING !== '0';

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

async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = createKafka({ brokers: brokers.split(',') }).admin();
  await admin.connect();
  await ensureTopic(admin, topic, { partitions });
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

for (const rate of PACING ? [1000, 10000] : []) {
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
// Throughput: the same record count of ~200-byte records, one partition, acks=all, as fast as
// each tool goes; BENCH_ROUNDS rounds with the tools interleaved, so that a noisy moment of
// this shared machine hits every tool alike, and each round's ratio to perf-test is kept.
const N = Number(process.env.BENCH_RECORDS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const benchSchema = join(root, 'bench', 'bench_event.avsc');
interface Throughput {
  tool: string;
  recordsPerSec: number;
  mbPerSec: number;
  p99Ms: number | null;
  cpuSeconds: number;
}

function streamctlThroughput(client: 'platformatic' | 'kafkajs', topic: string): Throughput {
  const r = timed(process.execPath, [
    bin,
    'produce',
    '--client',
    client,
    '--schema',
    benchSchema,
    '--topic',
    topic,
    '--partitions',
    '1',
    '--events',
    String(N),
    '-o',
    'json',
  ]);
  const summary = (JSON.parse(r.stdout) as { summary: { ackedRate: number; bytes: number; elapsedMs: number; latencyMs: { p99: number } } })
    .summary;
  return {
    tool: `streamctl produce --client ${client} (Avro, generated)`,
    recordsPerSec: Math.round(summary.ackedRate),
    mbPerSec: Number((summary.bytes / (summary.elapsedMs / 1000) / 1e6).toFixed(2)),
    p99Ms: summary.latencyMs.p99,
    cpuSeconds: r.cpu,
  };
}

function perfTestThroughput(topic: string, recordSize: number): Throughput {
  const r = timed('java', [
    '-Xmx512m',
    '-cp',
    toolsClasspath(),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(N),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
    'enable.idempotence=true',
  ]);
  // Last line: "N records sent, R records/sec (M MB/sec), … ms avg latency, … 99th, …"
  const last = r.stdout.trim().split('\n').pop()!;
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?(\d+) ms 99th/.exec(last);
  return {
    tool: 'kafka-producer-perf-test (random bytes)',
    recordsPerSec: Math.round(Number(m?.[1] ?? 0)),
    mbPerSec: Number(m?.[2] ?? 0),
    p99Ms: m ? Number(m[3]) : null,
    cpuSeconds: r.cpu,
  };
}

function kcatThroughput(topic: string, file: string, recordSize: number): Throughput {
  const t0 = Date.now();
  const r = timed('kcat', ['-P', '-b', brokers, '-t', topic, '-X', 'acks=all', '-X', 'enable.idempotence=true', '-l', file]);
  const wall = (Date.now() - t0) / 1000;
  return {
    tool: 'kcat -P (librdkafka, file of lines)',
    recordsPerSec: Math.round(N / wall),
    mbPerSec: Number(((N * recordSize) / wall / 1e6).toFixed(2)),
    p99Ms: null,
    cpuSeconds: r.cpu,
  };
}

let recordSize = 0;
const tputRounds: Throughput[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  const results: Throughput[] = [];
  for (const client of ['platformatic', 'kafkajs'] as const) {
    console.error(`throughput round ${round + 1}/${ROUNDS}: streamctl --client ${client}…`);
    const topic = `bench-tput-${client}-${round}-${runId}`;
    results.push(streamctlThroughput(client, topic));
    if (!recordSize) {
      recordSize = Math.round(
        execFileSync('kcat', ['-b', brokers, '-C', '-t', topic, '-e', '-q', '-c', '2000', '-f', '%S\\n'], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map(Number)
          .reduce((a, b) => a + b, 0) / 2000,
      );
    }
  }
  console.error(`throughput round ${round + 1}/${ROUNDS}: kafka-producer-perf-test, kcat…`);
  const javaTopic = `bench-tput-java-${round}-${runId}`;
  await createTopic(javaTopic, 1);
  results.push(perfTestThroughput(javaTopic, recordSize));
  const kcatTopic = `bench-tput-kcat-${round}-${runId}`;
  await createTopic(kcatTopic, 1);
  const file = join(root, 'node_modules', '.cache', `kcat-${runId}.txt`);
  if (round === 0) {
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(file, ('x'.repeat(recordSize) + '\n').repeat(N));
  }
  results.push(kcatThroughput(kcatTopic, file, recordSize));
  tputRounds.push(results);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const tools = tputRounds[0]!.map((t) => t.tool);
const isJava = (t: string) => t.startsWith('kafka-producer-perf-test');
const tput = tools.map((tool) => {
  const runs = tputRounds.map((r) => r.find((t) => t.tool === tool)!);
  const ratios = tputRounds.map((r) => r.find((t) => t.tool === tool)!.recordsPerSec / r.find((t) => isJava(t.tool))!.recordsPerSec);
  return {
    tool,
    recordsPerSec: runs.map((t) => t.recordsPerSec),
    mbPerSec: median(runs.map((t) => t.mbPerSec)),
    p99Ms: runs.every((t) => t.p99Ms !== null) ? median(runs.map((t) => t.p99Ms!)) : null,
    cpuSeconds: median(runs.map((t) => t.cpuSeconds)),
    ratios,
  };
});
const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const tputTable = [
  `\n### Throughput: ${N} records of ~${recordSize} B, one partition, acks=all, idempotent; ${ROUNDS} interleaved rounds\n`,
  '| tool | records/s per round | median MB/s | median p99 ack latency | median CPU s | vs perf-test per round | median vs perf-test |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...tput.map(
    (t) =>
      `| ${t.tool} | ${t.recordsPerSec.join(', ')} | ${t.mbPerSec} | ${t.p99Ms === null ? '-' : `${t.p99Ms} ms`} | ${t.cpuSeconds.toFixed(1)} | ${t.ratios.map((r) => `${r.toFixed(2)}×`).join(', ')} | ${median(t.ratios).toFixed(2)}× |`,
  ),
].join('\n');
const head = `\n## produce pacing and throughput — ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpus().length} × ${cpuModel}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Kafka ${VERSIONS.kafka} (1 broker, local platform), record ≈ ${avgSize} B (TransactionEvent, Avro), acks=all, idempotent. Run: \`npm run bench:produce\` (${SECONDS} s per paced run). Pacing windows are 1 s buckets of the records' CreateTime, read back with kcat; both tools measured the same way in the same run.\n\n`;
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
const body = (PACING ? '### Pacing\n\n' + table + '\n' : '') + tputTable + '\n';
appendFileSync(doc, head + body);
console.log(head + body);
