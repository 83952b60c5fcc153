// The demo's result: a Flink SQL job (batch mode, through the SQL Gateway)
// reads the Avro transaction events that `streamctl produce` wrote, computes
// per-symbol trades, volume and VWAP, and upserts them into Postgres with the
// JDBC connector; then the table is printed. Replaced by `streamctl flink
// submit jobs/…` once the platform's own jobs land.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

const status = JSON.parse(execFileSync(process.execPath, ['bin/streamctl', 'dev', 'status', '-o', 'json'], { encoding: 'utf8' }));
const gw = status.sqlGateway.url;
const pgUrl = new URL(status.postgres.url);
const schema = readFileSync('schemas/transaction_event.avsc', 'utf8').replace(/'/g, "''");

const db = new pg.Client({ connectionString: status.postgres.url });
await db.connect();
await db.query(`create table if not exists demo_symbol_stats (
  symbol text primary key, trades bigint not null, volume numeric(24,6) not null, vwap numeric(18,4), updated_at timestamptz default now())`);

const post = async (path, body) => {
  const res = await fetch(gw + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
};
const { sessionHandle } = await post('/v3/sessions', { properties: { 'execution.runtime-mode': 'batch', 'table.dml-sync': 'true' } });
const execute = async (statement) => {
  const { operationHandle } = await post(`/v3/sessions/${sessionHandle}/statements`, { statement });
  let uri = `/v3/sessions/${sessionHandle}/operations/${operationHandle}/result/0?rowFormat=JSON`;
  while (uri) {
    const res = await fetch(gw + uri);
    if (!res.ok) throw new Error(`statement failed: ${(await res.text()).slice(0, 800)}`);
    const page = await res.json();
    if (page.resultType === 'EOS') break;
    if (page.resultType === 'NOT_READY') await new Promise((r) => setTimeout(r, 200));
    uri = page.nextResultUri;
  }
};
try {
  await execute(`CREATE TEMPORARY TABLE transactions (
    transaction_id STRING NOT NULL, event_time TIMESTAMP(3) NOT NULL, user_id STRING NOT NULL, account_id STRING NOT NULL,
    type STRING NOT NULL, status STRING NOT NULL, symbol STRING, quantity DECIMAL(18,6), price DECIMAL(18,4),
    amount DECIMAL(18,2) NOT NULL, fee DECIMAL(18,2), currency STRING NOT NULL, settlement_date DATE
  ) WITH ('connector' = 'kafka', 'topic' = 'transactions', 'properties.bootstrap.servers' = '${status.kafka.bootstrap}',
    'properties.group.id' = 'streamctl-demo', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
    'format' = 'avro-confluent', 'avro-confluent.url' = '${status.registry.url}', 'avro-confluent.schema' = '${schema}')`);
  await execute(`CREATE TEMPORARY TABLE symbol_stats (
    symbol STRING, trades BIGINT, volume DECIMAL(24,6), vwap DECIMAL(18,4), PRIMARY KEY (symbol) NOT ENFORCED
  ) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://${pgUrl.hostname}:${pgUrl.port}${pgUrl.pathname}',
    -- The local Postgres trusts loopback connections; JDBC wants a password all the same.
    'username' = '${pgUrl.username}', 'password' = 'unused', 'table-name' = 'demo_symbol_stats')`);
  await execute(`INSERT INTO symbol_stats
    SELECT symbol, COUNT(*), SUM(quantity), CAST(SUM(quantity * price) / SUM(quantity) AS DECIMAL(18,4))
    FROM transactions WHERE type IN ('BUY', 'SELL') GROUP BY symbol`);
} finally {
  await fetch(`${gw}/v3/sessions/${sessionHandle}`, { method: 'DELETE' });
}
const result = await db.query('select symbol, trades, volume, vwap from demo_symbol_stats order by trades desc, symbol');
await db.end();
console.log('per-symbol buys and sells over the whole transactions topic (Postgres table demo_symbol_stats):');
console.table(result.rows);
