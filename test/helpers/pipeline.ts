import { writeFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { formatDecimal, parseAvroSchema } from '../../src/produce/logical-types.js';
import { murmur2 } from '../../src/produce/partitioner.js';

/**
 * Test data for the pipeline's jobs and the results they must produce, computed here the
 * plain way (bigints for decimals) from the very events the test produced.
 */

export interface TxEvent {
  transaction_id: string;
  /** ms since epoch */
  event_time: number;
  user_id: string;
  account_id: string;
  type: 'BUY' | 'SELL' | 'DEPOSIT' | 'WITHDRAWAL' | 'DIVIDEND';
  status: 'PENDING' | 'SETTLED' | 'FAILED' | 'CANCELLED';
  symbol: string | null;
  quantity: string | null;
  price: string | null;
  amount: string;
  fee: string | null;
  currency: string;
}

/** A small deterministic PRNG, so a failing run can be replayed with its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A decimal string → unscaled bigint at `scale` (inputs never have more decimals than that). */
export function unscaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.replace(/^-/, '').split('.');
  const v = BigInt(int! + frac.padEnd(scale, '0').slice(0, scale));
  return negative ? -v : v;
}

/** a / b rounded half-up (away from zero), for positive or negative a and positive b. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (2n * abs + b) / (2n * b);
  return negative ? -q : q;
}

export interface GenerateOptions {
  /** Unique per run: goes into account ids. */
  runId: string;
  /** Event time of the first event, ms. */
  start: number;
  count: number;
  /** Event time between consecutive events, so each partition's events come in time order. */
  spacingMs: number;
  accounts: number;
  seed: number;
  symbols?: string[];
  currencies?: string[];
  /** Offset of the first account/transaction index (to continue a run). Default 0. */
  from?: number;
}

/** Realistic-enough transactions: trades with fees, cash moves, dividends, a few non-settled. */
export function generateEvents(o: GenerateOptions): TxEvent[] {
  const r = rng(o.seed);
  const symbols = o.symbols ?? ['AAPL', 'NVDA', 'MSFT'];
  const currencies = o.currencies ?? ['USD', 'USD', 'EUR'];
  const events: TxEvent[] = [];
  for (let i = 0; i < o.count; i++) {
    const n = (o.from ?? 0) + i;
    const account = `acc-${o.runId}-${Math.floor(r() * o.accounts)}`;
    const x = r();
    const type: TxEvent['type'] = x < 0.35 ? 'BUY' : x < 0.6 ? 'SELL' : x < 0.78 ? 'DEPOSIT' : x < 0.9 ? 'WITHDRAWAL' : 'DIVIDEND';
    const y = r();
    const status: TxEvent['status'] = y < 0.85 ? 'SETTLED' : y < 0.93 ? 'PENDING' : y < 0.97 ? 'FAILED' : 'CANCELLED';
    const currency = pick(r, currencies);
    const base = { transaction_id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`, event_time: o.start + i * o.spacingMs };
    const common = { ...base, user_id: `user-${o.runId}`, account_id: account, type, status, currency };
    if (type === 'BUY' || type === 'SELL' || type === 'DIVIDEND') {
      const q = `${1 + Math.floor(r() * 200)}.${String(Math.floor(r() * 1e6)).padStart(6, '0')}`;
      const p =
        type === 'DIVIDEND'
          ? `0.${String(1 + Math.floor(r() * 9999)).padStart(4, '0')}`
          : `${50 + Math.floor(r() * 500)}.${String(Math.floor(r() * 1e4)).padStart(4, '0')}`;
      // amount = quantity × price at scale 2, half-up: scale 6 × scale 4 = scale 10.
      const amount = formatDecimal(divHalfUp(unscaled(q, 6) * unscaled(p, 4), 10n ** 8n), 2);
      const fee = type === 'DIVIDEND' || r() < 0.2 ? null : `${Math.floor(r() * 10)}.${String(Math.floor(r() * 100)).padStart(2, '0')}`;
      events.push({ ...common, symbol: pick(r, symbols), quantity: q, price: p, amount, fee });
    } else {
      const amount = `${1 + Math.floor(r() * 5000)}.${String(Math.floor(r() * 100)).padStart(2, '0')}`;
      // A withdrawal sometimes carries a fee: the projection pays every fee out of cash.
      const fee = type === 'WITHDRAWAL' && r() < 0.3 ? '2.50' : null;
      events.push({ ...common, symbol: null, quantity: null, price: null, amount, fee });
    }
  }
  return events;
}

/** The partition a Java producer (and `streamctl produce`) sends a key to. */
export function partitionOf(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

/**
 * One deposit per partition at `time`: each partition's watermark then passes every earlier
 * window, so the analytics job closes them all (the source watermark is the minimum over
 * partitions).
 */
export function watermarkPushers(runId: string, time: number, partitions: number): TxEvent[] {
  const byPartition = new Map<number, string>();
  for (let i = 0; byPartition.size < partitions; i++) {
    const key = `pusher-${runId}-${i}`;
    const p = partitionOf(key, partitions);
    if (!byPartition.has(p)) byPartition.set(p, key);
  }
  return [...byPartition.values()].map((account, i) => ({
    transaction_id: `00000000-0000-4000-9000-${String(time + i)
      .padStart(12, '0')
      .slice(-12)}`,
    event_time: time,
    user_id: `user-${runId}`,
    account_id: account,
    type: 'DEPOSIT',
    status: 'SETTLED',
    symbol: null,
    quantity: null,
    price: null,
    amount: '1.00',
    fee: null,
    currency: 'USD',
  }));
}

/** JSON Lines as `streamctl produce --input` reads them. */
export function writeJsonl(file: string, events: TxEvent[]): void {
  writeFileSync(
    file,
    events.map((e) => JSON.stringify({ ...e, event_time: new Date(e.event_time).toISOString(), settlement_date: null })).join('\n') + '\n',
  );
}

// --- what the jobs must compute -------------------------------------------------------------

export interface WindowRow {
  symbol: string;
  currency: string;
  window_kind: string;
  window_start: number;
  window_end: number;
  trades: number;
  volume: string;
  notional: string;
  vwap: string;
}

const MINUTE = 60_000;
const isTrade = (e: TxEvent) =>
  (e.type === 'BUY' || e.type === 'SELL') &&
  e.status === 'SETTLED' &&
  e.symbol !== null &&
  e.quantity !== null &&
  e.price !== null &&
  unscaled(e.quantity, 6) > 0n;

/** Tumbling 1-minute and hopping 5-minute/1-minute windows of settled trades, none of them late. */
export function expectedWindows(events: TxEvent[]): WindowRow[] {
  const acc = new Map<
    string,
    { row: Omit<WindowRow, 'trades' | 'volume' | 'notional' | 'vwap'>; trades: number; volume: bigint; notional: bigint }
  >();
  const add = (e: TxEvent, kind: string, start: number, size: number) => {
    const key = `${e.symbol}|${e.currency}|${kind}|${start}`;
    let a = acc.get(key);
    if (!a) {
      a = {
        row: { symbol: e.symbol!, currency: e.currency, window_kind: kind, window_start: start, window_end: start + size },
        trades: 0,
        volume: 0n,
        notional: 0n,
      };
      acc.set(key, a);
    }
    a.trades++;
    a.volume += unscaled(e.quantity!, 6);
    a.notional += unscaled(e.quantity!, 6) * unscaled(e.price!, 4);
  };
  for (const e of events.filter(isTrade)) {
    const minute = Math.floor(e.event_time / MINUTE) * MINUTE;
    add(e, 'tumble-1m', minute, MINUTE);
    for (let k = 0; k < 5; k++) add(e, 'hop-5m-1m', minute - k * MINUTE, 5 * MINUTE);
  }
  return [...acc.values()]
    .map((a) => ({
      ...a.row,
      trades: a.trades,
      volume: formatDecimal(a.volume, 6),
      notional: formatDecimal(a.notional, 10),
      // notional (scale 10) / volume (scale 6) at scale 6 = notional·10² / volume.
      vwap: formatDecimal(divHalfUp(a.notional * 100n, a.volume), 6),
    }))
    .sort(windowOrder);
}

export const windowOrder = (a: WindowRow, b: WindowRow) =>
  a.window_kind.localeCompare(b.window_kind) ||
  a.symbol.localeCompare(b.symbol) ||
  a.currency.localeCompare(b.currency) ||
  a.window_start - b.window_start;

export interface PositionRow {
  account_id: string;
  symbol: string;
  quantity: string;
  trades: number;
  last_event_time: number;
}

export function expectedPositions(events: TxEvent[]): PositionRow[] {
  const m = new Map<string, { account_id: string; symbol: string; q: bigint; trades: number; last: number }>();
  for (const e of events) {
    if (e.status !== 'SETTLED' || (e.type !== 'BUY' && e.type !== 'SELL') || e.symbol === null || e.quantity === null) continue;
    const key = `${e.account_id}|${e.symbol}`;
    const a = m.get(key) ?? { account_id: e.account_id, symbol: e.symbol, q: 0n, trades: 0, last: 0 };
    a.q += (e.type === 'BUY' ? 1n : -1n) * unscaled(e.quantity, 6);
    a.trades++;
    a.last = Math.max(a.last, e.event_time);
    m.set(key, a);
  }
  return [...m.values()]
    .map((a) => ({
      account_id: a.account_id,
      symbol: a.symbol,
      quantity: formatDecimal(a.q, 6),
      trades: a.trades,
      last_event_time: a.last,
    }))
    .sort((a, b) => a.account_id.localeCompare(b.account_id) || a.symbol.localeCompare(b.symbol));
}

export interface CashRow {
  account_id: string;
  currency: string;
  balance: string;
  transactions: number;
  last_event_time: number;
}

export function expectedCash(events: TxEvent[]): CashRow[] {
  const sign: Record<TxEvent['type'], bigint> = { DEPOSIT: 1n, WITHDRAWAL: -1n, BUY: -1n, SELL: 1n, DIVIDEND: 1n };
  const m = new Map<string, { account_id: string; currency: string; b: bigint; n: number; last: number }>();
  for (const e of events) {
    if (e.status !== 'SETTLED') continue;
    const key = `${e.account_id}|${e.currency}`;
    const a = m.get(key) ?? { account_id: e.account_id, currency: e.currency, b: 0n, n: 0, last: 0 };
    a.b += sign[e.type] * unscaled(e.amount, 2) - (e.fee === null ? 0n : unscaled(e.fee, 2));
    a.n++;
    a.last = Math.max(a.last, e.event_time);
    m.set(key, a);
  }
  return [...m.values()]
    .map((a) => ({
      account_id: a.account_id,
      currency: a.currency,
      balance: formatDecimal(a.b, 2),
      transactions: a.n,
      last_event_time: a.last,
    }))
    .sort((a, b) => a.account_id.localeCompare(b.account_id) || a.currency.localeCompare(b.currency));
}

export interface CountWindowRow {
  account_id: string;
  currency: string;
  window_seq: number;
  transactions: number;
  amount_sum: string;
  amount_min: string;
  amount_max: string;
  amount_avg: string;
  first_event_time: number;
  last_event_time: number;
}

/** Every full run of `size` settled transactions per account and currency, in produce order (= partition order per key). */
export function expectedCountWindows(events: TxEvent[], size: number): CountWindowRow[] {
  const open = new Map<string, TxEvent[]>();
  const seq = new Map<string, number>();
  const rows: CountWindowRow[] = [];
  for (const e of events) {
    if (e.status !== 'SETTLED') continue;
    const key = `${e.account_id}|${e.currency}`;
    const buf = open.get(key) ?? [];
    buf.push(e);
    open.set(key, buf);
    if (buf.length < size) continue;
    const amounts = buf.map((b) => unscaled(b.amount, 2));
    const sum = amounts.reduce((a, b) => a + b, 0n);
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    rows.push({
      account_id: e.account_id,
      currency: e.currency,
      window_seq: n,
      transactions: size,
      amount_sum: formatDecimal(sum, 2),
      amount_min: formatDecimal(
        amounts.reduce((a, b) => (b < a ? b : a)),
        2,
      ),
      amount_max: formatDecimal(
        amounts.reduce((a, b) => (b > a ? b : a)),
        2,
      ),
      // scale 2 → 6: sum·10⁴ / n, half-up.
      amount_avg: formatDecimal(divHalfUp(sum * 10_000n, BigInt(size)), 6),
      first_event_time: Math.min(...buf.map((b) => b.event_time)),
      last_event_time: Math.max(...buf.map((b) => b.event_time)),
    });
    open.set(key, []);
  }
  return rows.sort(
    (a, b) => a.account_id.localeCompare(b.account_id) || a.currency.localeCompare(b.currency) || a.window_seq - b.window_seq,
  );
}

// --- what the jobs did compute ------------------------------------------------------------

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::bigint`;

export interface PipelineTables {
  windows: WindowRow[];
  positions: PositionRow[];
  cash: CashRow[];
  countWindows: CountWindowRow[];
  late: { transaction_id: string; event_time: number }[];
}

/** The pipeline's tables as plain rows (numerics as their exact text, times as ms), in the expected order. */
export async function readPipelineTables(postgresUrl: string, suffix: string): Promise<PipelineTables> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    const num = (v: unknown) => Number(v);
    const windows = (
      await c.query(
        `select symbol, currency, window_kind, ${ms('window_start')} as window_start, ${ms('window_end')} as window_end, trades, volume::text, notional::text, vwap::text
         from symbol_window_stats${suffix}`,
      )
    ).rows.map((r) => ({ ...r, window_start: num(r.window_start), window_end: num(r.window_end), trades: num(r.trades) }) as WindowRow);
    const positions = (
      await c.query(
        `select account_id, symbol, quantity::text, trades, ${ms('last_event_time')} as last_event_time from account_positions${suffix} order by 1, 2`,
      )
    ).rows.map((r) => ({ ...r, trades: num(r.trades), last_event_time: num(r.last_event_time) }) as PositionRow);
    const cash = (
      await c.query(
        `select account_id, currency, balance::text, transactions, ${ms('last_event_time')} as last_event_time from account_cash${suffix} order by 1, 2`,
      )
    ).rows.map((r) => ({ ...r, transactions: num(r.transactions), last_event_time: num(r.last_event_time) }) as CashRow);
    const countWindows = (
      await c.query(
        `select account_id, currency, window_seq, transactions, amount_sum::text, amount_min::text, amount_max::text, amount_avg::text,
           ${ms('first_event_time')} as first_event_time, ${ms('last_event_time')} as last_event_time
         from account_count_windows${suffix} order by 1, 2, 3`,
      )
    ).rows.map(
      (r) =>
        ({
          ...r,
          window_seq: num(r.window_seq),
          transactions: num(r.transactions),
          first_event_time: num(r.first_event_time),
          last_event_time: num(r.last_event_time),
        }) as CountWindowRow,
    );
    const late = (await c.query(`select transaction_id, ${ms('event_time')} as event_time from late_trades${suffix} order by 1`)).rows.map(
      (r) => ({
        transaction_id: r.transaction_id as string,
        event_time: num(r.event_time),
      }),
    );
    // Collation-independent order, the same as the expected rows'.
    positions.sort((a, b) => a.account_id.localeCompare(b.account_id) || a.symbol.localeCompare(b.symbol));
    cash.sort((a, b) => a.account_id.localeCompare(b.account_id) || a.currency.localeCompare(b.currency));
    countWindows.sort(
      (a, b) => a.account_id.localeCompare(b.account_id) || a.currency.localeCompare(b.currency) || a.window_seq - b.window_seq,
    );
    return { windows: windows.sort(windowOrder), positions, cash, countWindows, late };
  } finally {
    await c.end();
  }
}

export interface Expected {
  windows: WindowRow[];
  positions: PositionRow[];
  cash: CashRow[];
  countWindows: CountWindowRow[];
}

export function expectedResults(events: TxEvent[], windowSize = 10): Expected {
  return {
    windows: expectedWindows(events),
    positions: expectedPositions(events),
    cash: expectedCash(events),
    countWindows: expectedCountWindows(events, windowSize),
  };
}

/** Polls the tables until those given equal the expected rows (or the timeout); returns the last read for the assertions. */
export async function waitForResults(
  postgresUrl: string,
  suffix: string,
  expected: Partial<Expected>,
  timeoutMs = 120_000,
): Promise<PipelineTables> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await readPipelineTables(postgresUrl, suffix);
    const same = (Object.keys(expected) as (keyof Expected)[]).every((k) => JSON.stringify(got[k]) === JSON.stringify(expected[k]));
    if (same || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Decoded records of the symbol-stats topic, read with isolation.level=read_committed from the beginning. */
export async function readSymbolStats(
  bootstrap: string,
  topic: string,
  schemaText: string,
  options: { expect: number; settleMs?: number; timeoutMs?: number },
): Promise<WindowRow[]> {
  const type = parseAvroSchema(JSON.parse(schemaText));
  const kafka = new kafkajs.Kafka({ clientId: 'pipeline-test', brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `pipeline-test-${Math.random().toString(36).slice(2)}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const rows: WindowRow[] = [];
  let lastAt = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      // Confluent wire format: magic byte, 4-byte schema id, Avro binary.
      rows.push(type.fromBuffer(message.value!.subarray(5)) as WindowRow);
      lastAt = Date.now();
    },
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  // Read until the expected number arrived and nothing more came for settleMs (a duplicate would).
  while (Date.now() < deadline && !(rows.length >= options.expect && Date.now() - lastAt > (options.settleMs ?? 3_000))) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await consumer.disconnect();
  return rows.map((r) => ({ ...r, trades: Number(r.trades) })).sort(windowOrder);
}
