/**
 * Benchmark: `streamctl schemas check` of 200 subjects × 10 registered
 * versions at BACKWARD_TRANSITIVE (every version checked), against the running
 * local registry. Target: ≤ 2 s wall time for the whole check.
 *
 *   npm run bench:schemas            (needs `streamctl dev up`; ~2 minutes)
 *
 * Setup (not timed): unique subjects bench-schemas-<runid>-…, each with its
 * level set to BACKWARD_TRANSITIVE and 10 versions registered through the
 * registry API directly, subjects in parallel with a bound; a project folder
 * whose streamctl.yaml maps each subject to its own file (an 11th version,
 * compatible). Two layouts:
 *   distinct  every subject has schemas of its own: 2,000 ids (the usual case)
 *   shared    the 200 subjects share the same 10 schemas: 10 ids, which the
 *             id cache parses once instead of 2,000 times
 *
 * Timed: `node bin/streamctl schemas check` wall time, 3 runs of each
 * configuration, interleaved, after one warm-up run: the default (16 requests
 * and subjects in flight, schemas parsed once per id), the cache off
 * (STREAMCTL_SCHEMA_CACHE=off) and both off (also
 * STREAMCTL_REGISTRY_CONCURRENCY=1: one request at a time). The subjects are
 * deleted afterwards (BENCH_KEEP=1 keeps them). Results are appended to
 * docs/benchmarks.md with the machine and the date.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/index.js';
import { resolveEndpoints } from '../src/config/endpoints.js';
import { VERSIONS } from '../src/platform/versions.js';
import { mapLimit } from '../src/schemas/limit.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'streamctl');
const registryUrl = resolveEndpoints(resolveConfig()).registry.url;

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 200);
const VERSIONS_PER_SUBJECT = Number(process.env.BENCH_VERSIONS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LEVEL = 'BACKWARD_TRANSITIVE';
const TARGET_MS = 2000;
const SETUP_CONCURRENCY = 8;
const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const prefix = `bench-schemas-${runId}`;

type Json = Record<string, unknown>;

/** Version k (1-based) of a schema: id and amount, then k-1 optional fields, each with a null default (BACKWARD_TRANSITIVE-safe). */
function schemaVersion(namespace: string, k: number): Json {
  const fields: Json[] = [
    { name: 'id', type: 'string', doc: 'The event id.' },
    { name: 'amount', type: 'double', doc: 'The amount.' },
  ];
  for (let i = 1; i < k; i++) fields.push({ name: `attr${i}`, type: ['null', 'string'], default: null, doc: `Attribute ${i}.` });
  return { type: 'record', name: 'BenchEvent', namespace, doc: 'A benchmark event.', fields };
}

async function registry<T>(method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${registryUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status === 200) return (text ? JSON.parse(text) : undefined) as T;
    // Bounded retries: the setup shouldn't fail on one slow answer, nor loop for ever.
    if (res.status >= 500 && attempt < 3) continue;
    throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

interface Layout {
  name: 'distinct' | 'shared';
  subjects: string[];
  dir: string;
  ids: number;
}

/** Registers the layout's subjects and writes its project folder. */
async function setup(name: Layout['name']): Promise<Layout> {
  const subjects = Array.from({ length: SUBJECTS }, (_, i) => `${prefix}-${name}-${String(i).padStart(3, '0')}-value`);
  const namespaceOf = (i: number) => (name === 'shared' ? `bench.${runId}.shared` : `bench.${runId}.s${i}`);
  const ids = new Set<number>();
  const started = Date.now();
  await mapLimit(subjects, SETUP_CONCURRENCY, async (subject, i) => {
    await registry('PUT', `/config/${subject}`, { compatibility: LEVEL });
    // One subject's versions in order: each must be compatible with those before it.
    for (let k = 1; k <= VERSIONS_PER_SUBJECT; k++) {
      const { id } = await registry<{ id: number }>('POST', `/subjects/${subject}/versions`, {
        schema: JSON.stringify(schemaVersion(namespaceOf(i), k)),
        schemaType: 'AVRO',
      });
      ids.add(id);
    }
  });
  const dir = mkdtempSync(join(tmpdir(), `streamctl-bench-schemas-${name}-`));
  mkdirSync(join(dir, 'avro'));
  const lines = ['schemas:', '  subjects:'];
  subjects.forEach((subject, i) => {
    const file = `avro/s${String(i).padStart(3, '0')}.avsc`;
    writeFileSync(join(dir, file), JSON.stringify(schemaVersion(namespaceOf(i), VERSIONS_PER_SUBJECT + 1), null, 2));
    lines.push(`    ${subject}: { file: ${file} }`);
  });
  writeFileSync(join(dir, 'streamctl.yaml'), `${lines.join('\n')}\n`);
  console.log(
    `${name}: ${SUBJECTS} subjects × ${VERSIONS_PER_SUBJECT} versions registered (${ids.size} ids) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { name, subjects, dir, ids: ids.size };
}

interface Config {
  label: string;
  env: Record<string, string>;
}

const CONFIGS: Config[] = [
  { label: 'default: 16 in flight, parse once per id', env: {} },
  { label: '16 in flight, cache off', env: { STREAMCTL_SCHEMA_CACHE: 'off' } },
  { label: 'one request at a time, cache off', env: { STREAMCTL_REGISTRY_CONCURRENCY: '1', STREAMCTL_SCHEMA_CACHE: 'off' } },
];

/** Runs repeated because the registry didn't answer one call in time (reported with the results). */
const repeated: string[] = [];

/**
 * One timed `schemas check`; fails the benchmark unless every subject checked
 * compatible at the level. A run that hits the registry's timeout (a stall of
 * the registry on a busy machine, not a result) is repeated once, and said so.
 */
function timedCheck(layout: Layout, config: Config, retry = true): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, '-o', 'json', 'schemas', 'check'], {
    cwd: layout.dir,
    env: { ...process.env, NO_COLOR: '1', STREAMCTL_REGISTRY_URL: registryUrl, ...config.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status === 2 && retry && /no answer within/.test(r.stderr)) {
    repeated.push(`${layout.name}, ${config.label}: ${r.stderr.split('\n')[0]}`);
    console.log(`repeating a run: ${r.stderr.split('\n')[0]}`);
    return timedCheck(layout, config, false);
  }
  if (r.status !== 0) throw new Error(`schemas check (${layout.name}, ${config.label}) exited ${r.status}: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as {
    summary: { checked: number; compatible: number };
    entries: { level: string; versions: number[] }[];
  };
  const ok =
    result.summary.checked === SUBJECTS &&
    result.summary.compatible === SUBJECTS &&
    result.entries.every((e) => e.level === LEVEL && e.versions.length === VERSIONS_PER_SUBJECT);
  if (!ok) throw new Error(`schemas check (${layout.name}, ${config.label}) did not check every version of every subject`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number): string => (ms / 1000).toFixed(2);

async function cleanup(layouts: Layout[]): Promise<void> {
  if (process.env.BENCH_KEEP === '1') return;
  const subjects = layouts.flatMap((l) => l.subjects);
  await mapLimit(subjects, SETUP_CONCURRENCY, async (s) => {
    await registry('DELETE', `/subjects/${s}`).catch(() => undefined);
    await registry('DELETE', `/subjects/${s}?permanent=true`).catch(() => undefined);
  });
  for (const l of layouts) rmSync(l.dir, { recursive: true, force: true });
}

function machine(): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(cpus().length);
  return `${nproc} × ${model} (nproc ${nproc}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const layouts: Layout[] = [];
try {
  await registry('GET', '/config');
  console.log(`registry ${registryUrl}, run ${runId}`);
  for (const name of ['distinct', 'shared'] as const) layouts.push(await setup(name));
  // Thousands of registrations just happened: let the registry's storage and JIT settle first.
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SETTLE_S ?? 15) * 1000));

  const loadAtStart = loadavg()[0]!.toFixed(1);
  const times = new Map<string, number[]>();
  for (const layout of layouts) {
    timedCheck(layout, CONFIGS[0]!); // warm-up: the registry's caches and JIT, the page cache
    for (let run = 0; run < RUNS; run++) {
      for (const config of CONFIGS) {
        const ms = timedCheck(layout, config);
        const key = `${layout.name}\0${config.label}`;
        times.set(key, [...(times.get(key) ?? []), ms]);
        console.log(`${layout.name.padEnd(8)} ${config.label.padEnd(42)} run ${run + 1}: ${sec(ms)} s`);
      }
    }
  }

  const calls = 1 + SUBJECTS * (2 + VERSIONS_PER_SUBJECT);
  const rows: string[] = [];
  for (const layout of layouts) {
    const base = median(times.get(`${layout.name}\0${CONFIGS[0]!.label}`)!);
    for (const config of CONFIGS) {
      const xs = times.get(`${layout.name}\0${config.label}`)!;
      const vs = config === CONFIGS[0] ? '1×' : `${(median(xs) / base).toFixed(1)}×`;
      const target = layout.name === 'distinct' && config === CONFIGS[0] ? (median(xs) <= TARGET_MS ? ' ✓' : ' ✗') : '';
      rows.push(
        `| ${layout.name} (${layout.ids} ids) | ${config.label} | ${xs.map(sec).join(', ')} | ${sec(Math.min(...xs))} | ${sec(median(xs))}${target} | ${vs} |`,
      );
    }
  }
  const table = [
    '| layout | configuration | runs (s) | min (s) | median (s) | median vs default |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  const section =
    `\n## schemas check: 200 subjects × 10 versions, transitive — ${new Date().toISOString().slice(0, 10)}\n\n` +
    `Machine: ${machine()}, Apicurio Registry ${VERSIONS.apicurio} (local platform, H2). Run: \`npm run bench:schemas\` (run id ${runId}). ` +
    `${SUBJECTS} subjects, each with ${VERSIONS_PER_SUBJECT} registered versions and its level set to ${LEVEL} in the registry; ` +
    `\`streamctl schemas check\` of ${SUBJECTS} files (each an 11th, compatible version), so every version of every subject is fetched and checked: ` +
    `${calls} registry calls (the global level, then per subject its level, its latest version, its list of versions and each older version). ` +
    `Wall time of \`node bin/streamctl -o json schemas check\`, process start to exit, ${RUNS} runs per configuration interleaved after a warm-up. ` +
    `distinct: every subject has schemas of its own (${layouts[0]!.ids} ids); shared: the subjects share the same ${VERSIONS_PER_SUBJECT} schemas (${layouts[1]!.ids} ids), which the id cache parses once each. ` +
    `Target: ≤ ${TARGET_MS / 1000} s for the default configuration (✓ met, ✗ missed). ` +
    `Load average (1 min) at the start of the timed runs: ${loadAtStart}.` +
    (repeated.length > 0 ? ` Repeated after a registry timeout: ${repeated.join('; ')}.` : '') +
    `\n\n${table}\n`;
  console.log(section);
  // Only the benchmark as defined goes on record; smaller trial runs (BENCH_SUBJECTS…) just print.
  if (SUBJECTS === 200 && VERSIONS_PER_SUBJECT === 10 && RUNS >= 3) {
    const doc = join(root, 'docs', 'benchmarks.md');
    if (!existsSync(doc)) writeFileSync(doc, '# Benchmarks\n');
    appendFileSync(doc, section);
    console.log(`appended to ${doc}`);
  }
} finally {
  await cleanup(layouts);
}
