// A short end-to-end tour of the running local platform, printed for a person:
// register the platform's event schema, write Avro events in the Confluent
// wire format, read them back, aggregate them with Flink SQL, store the result
// in Postgres. Replaced step by step by streamctl commands as they land.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { execFileSync } from 'node:child_process';

const status = JSON.parse(execFileSync(process.execPath, ['bin/streamctl', 'dev', 'status', '-o', 'json'], { encoding: 'utf8' }));
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ clientId: 'streamctl-demo', brokers: status.kafka.bootstrap.split(','), logLevel: logLevel.NOTHING });
const registry = new SchemaRegistry({ host: status.registry.url });
const topic = 'demo.trades';

const schema = {
  type: 'record',
  name: 'DemoTrade',
  namespace: 'io.streamctl.demo',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'price', type: 'double' },
  ],
};
const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `${topic}-value` });
console.log(`registered ${topic}-value as schema id ${id}`);

const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
await admin.disconnect();

const symbols = ['AAPL', 'MSFT', 'NVDA'];
const producer = kafka.producer({ idempotent: true });
await producer.connect();
const n = 300;
const started = Date.now();
for (let i = 0; i < n; i += 30) {
  const messages = [];
  for (let j = i; j < i + 30; j++) {
    const symbol = symbols[j % 3];
    messages.push({ key: symbol, value: await registry.encode(id, { symbol, quantity: 1 + (j % 10), price: 100 + (j % 7) }) });
  }
  await producer.send({ topic, acks: -1, messages });
  await new Promise((r) => setTimeout(r, 100)); // ~300 events/s
}
await producer.disconnect();
console.log(`produced ${n} Avro events to ${topic} in ${((Date.now() - started) / 1000).toFixed(1)}s`);

// Flink SQL through the gateway: per-symbol volume, read from Kafka in batch mode.
const gw = status.sqlGateway.url;
const post = async (path, body) => {
  const res = await fetch(gw + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
};
const { sessionHandle } = await post('/v3/sessions', { properties: { 'execution.runtime-mode': 'batch' } });
const execute = async (statement) => {
  const { operationHandle } = await post(`/v3/sessions/${sessionHandle}/statements`, { statement });
  let uri = `/v3/sessions/${sessionHandle}/operations/${operationHandle}/result/0?rowFormat=JSON`;
  const rows = [];
  while (uri) {
    const res = await fetch(gw + uri);
    if (!res.ok) throw new Error(`statement failed: ${(await res.text()).slice(0, 500)}`);
    const page = await res.json();
    for (const r of page.results?.data ?? []) rows.push(r.fields);
    if (page.resultType === 'EOS') break;
    if (page.resultType === 'NOT_READY') await new Promise((r) => setTimeout(r, 200));
    uri = page.nextResultUri;
  }
  return rows;
};
const kafkaPort = status.kafka.bootstrap;
await execute(`CREATE TEMPORARY TABLE trades (symbol STRING, quantity INT, price DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaPort}',
  'properties.group.id' = 'streamctl-demo', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
  'format' = 'avro-confluent', 'avro-confluent.url' = '${status.registry.url}')`);
const rows = await execute(
  'SELECT symbol, COUNT(*) AS trades, SUM(quantity) AS volume, ROUND(SUM(quantity * price) / SUM(quantity), 4) AS vwap FROM trades GROUP BY symbol',
);
await fetch(`${gw}/v3/sessions/${sessionHandle}`, { method: 'DELETE' });

const db = new pg.Client({ connectionString: status.postgres.url });
await db.connect();
await db.query(
  'create table if not exists demo_symbol_stats (symbol text primary key, trades bigint, volume bigint, vwap double precision, updated_at timestamptz default now())',
);
for (const [symbol, trades, volume, vwap] of rows) {
  await db.query(
    'insert into demo_symbol_stats (symbol, trades, volume, vwap) values ($1, $2, $3, $4) on conflict (symbol) do update set trades = excluded.trades, volume = excluded.volume, vwap = excluded.vwap, updated_at = now()',
    [symbol, trades, volume, vwap],
  );
}
const result = await db.query('select symbol, trades, volume, vwap from demo_symbol_stats order by symbol');
await db.end();
console.log('\nper-symbol totals over the whole topic (Flink SQL over Kafka, stored in Postgres table demo_symbol_stats):');
console.table(result.rows);
