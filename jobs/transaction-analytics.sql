-- Transaction analytics: per-symbol trade statistics over event-time windows.
--
-- A template: `streamctl pipeline up` fills in the ${…} placeholders (endpoints, topic and
-- table names, the Avro schema) and submits it through the SQL Gateway as one job (every
-- INSERT below goes into one statement set). `streamctl pipeline render analytics` prints it
-- rendered. Semantics, late data and delivery guarantees: docs/pipeline.md.

SET 'pipeline.name' = 'transaction-analytics${suffix}';
SET 'parallelism.default' = '1';

-- The transaction log as `streamctl produce` writes it: Avro in the Confluent wire format.
-- NOT NULL where the Avro field is not nullable, TIMESTAMP(3) for timestamp-millis, and the
-- schema itself, so Flink's reader schema matches the registered one field for field.
CREATE TEMPORARY TABLE transactions (
  transaction_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  user_id STRING NOT NULL,
  account_id STRING NOT NULL,
  `type` STRING NOT NULL,
  status STRING NOT NULL,
  symbol STRING,
  quantity DECIMAL(18, 6),
  price DECIMAL(18, 4),
  amount DECIMAL(18, 2) NOT NULL,
  fee DECIMAL(18, 2),
  currency STRING NOT NULL,
  settlement_date DATE,
  -- Events may arrive up to this much behind the newest event time seen (per partition);
  -- later ones miss the windows that have already closed (see late_trades below).
  WATERMARK FOR event_time AS event_time - INTERVAL '${watermark.delay}' DAY TO SECOND(3)
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.transactions}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = 'streamctl-transaction-analytics${suffix}',
  -- Used only when the job starts without state (a rebuild); restored jobs resume from their checkpointed offsets.
  'scan.startup.mode' = 'earliest-offset',
  -- A partition without data for this long stops holding back the watermark.
  'scan.watermark.idle-timeout' = '${idle.timeout}',
  'format' = 'avro-confluent',
  'avro-confluent.url' = '${registry.url}',
  'avro-confluent.schema' = '${schema.transaction_event}'
);

CREATE TEMPORARY TABLE symbol_window_stats (
  symbol STRING NOT NULL,
  currency STRING NOT NULL,
  window_kind STRING NOT NULL,
  window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL,
  trades BIGINT NOT NULL,
  volume DECIMAL(38, 6) NOT NULL,
  notional DECIMAL(38, 10) NOT NULL,
  vwap DECIMAL(38, 6) NOT NULL,
  PRIMARY KEY (symbol, currency, window_kind, window_start, window_end) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'username' = '${jdbc.username}',
  'password' = '${jdbc.password}',
  'table-name' = 'symbol_window_stats${suffix}',
  'sink.buffer-flush.interval' = '200ms'
);

-- The same rows for downstream consumers, written in Kafka transactions that commit with each
-- checkpoint: a read_committed reader sees every window exactly once, up to one checkpoint
-- interval after it closed. Avro (schemas/symbol_stats.avsc, subject <topic>-value), keyed by symbol.
CREATE TEMPORARY TABLE symbol_stats_topic (
  symbol STRING NOT NULL,
  currency STRING NOT NULL,
  window_kind STRING NOT NULL,
  window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL,
  trades BIGINT NOT NULL,
  volume DECIMAL(38, 6) NOT NULL,
  notional DECIMAL(38, 10) NOT NULL,
  vwap DECIMAL(38, 6) NOT NULL
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.symbol_stats}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'key.format' = 'raw',
  'key.fields' = 'symbol',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = '${registry.url}',
  'value.avro-confluent.schema' = '${schema.symbol_stats}',
  'value.fields-include' = 'ALL',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'streamctl-transaction-analytics${suffix}',
  -- At most the broker's transaction.max.timeout.ms (15 min by default).
  'properties.transaction.timeout.ms' = '600000'
);

-- Trades that arrived after the watermark had passed the end of their 1-minute window, so
-- that window (and every hop window already closed) went out without them.
CREATE TEMPORARY TABLE late_trades (
  transaction_id STRING NOT NULL,
  symbol STRING NOT NULL,
  currency STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  watermark_at_arrival TIMESTAMP(3) NOT NULL,
  quantity DECIMAL(18, 6) NOT NULL,
  price DECIMAL(18, 4) NOT NULL,
  PRIMARY KEY (transaction_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'username' = '${jdbc.username}',
  'password' = '${jdbc.password}',
  'table-name' = 'late_trades${suffix}',
  'sink.buffer-flush.interval' = '200ms'
);

-- Executed trades: settled buys and sells of a symbol.
CREATE TEMPORARY VIEW trades AS
SELECT transaction_id, symbol, currency, event_time, quantity, price
FROM transactions
WHERE `type` IN ('BUY', 'SELL') AND status = 'SETTLED' AND symbol IS NOT NULL AND quantity > 0 AND price IS NOT NULL;

-- 1-minute tumbling windows and 5-minute windows sliding by 1 minute, per symbol and
-- currency (a VWAP mixes no currencies). VWAP = Σ(quantity × price) / Σ quantity, rounded
-- half-up to 6 decimals; volume and notional are exact.
CREATE TEMPORARY VIEW window_stats AS
SELECT symbol, currency, 'tumble-1m' AS window_kind, window_start, window_end,
  COUNT(*) AS trades, SUM(quantity) AS volume, SUM(quantity * price) AS notional,
  SUM(quantity * price) / SUM(quantity) AS vwap
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY symbol, currency, window_start, window_end
UNION ALL
SELECT symbol, currency, 'hop-5m-1m' AS window_kind, window_start, window_end,
  COUNT(*) AS trades, SUM(quantity) AS volume, SUM(quantity * price) AS notional,
  SUM(quantity * price) / SUM(quantity) AS vwap
FROM TABLE(HOP(TABLE trades, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY symbol, currency, window_start, window_end;

INSERT INTO symbol_window_stats SELECT * FROM window_stats;

INSERT INTO symbol_stats_topic SELECT * FROM window_stats;

-- A 1-minute window fires when the watermark reaches its last millisecond (window_end - 1 ms);
-- a trade whose window has fired is dropped by the window operator, so it is recorded here.
INSERT INTO late_trades
SELECT transaction_id, symbol, currency, event_time, CURRENT_WATERMARK(event_time), quantity, price
FROM trades
WHERE FLOOR(event_time TO MINUTE) + INTERVAL '1' MINUTE - INTERVAL '0.001' SECOND <= CURRENT_WATERMARK(event_time);
