-- Positions projection: shares per account and symbol, and cash per account and currency,
-- derived from nothing but the immutable transaction log.
--
-- A template: `streamctl pipeline up` fills in the ${…} placeholders and submits it through
-- the SQL Gateway as one job (both INSERTs in one statement set). It can be rebuilt from
-- scratch at any time by replaying the log (`streamctl pipeline rebuild positions`: the tables
-- are emptied and the job starts without state from the earliest offset). Semantics and
-- delivery guarantees: docs/pipeline.md.

SET 'pipeline.name' = 'positions-projection${suffix}';
SET 'parallelism.default' = '1';

-- No watermark: the projection is a running total in log order, not windowed.
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
  settlement_date DATE
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.transactions}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = 'streamctl-positions-projection${suffix}',
  -- Used only when the job starts without state, i.e. a rebuild: the whole log is replayed.
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'avro-confluent',
  'avro-confluent.url' = '${registry.url}',
  'avro-confluent.schema' = '${schema.transaction_event}'
);

CREATE TEMPORARY TABLE account_positions (
  account_id STRING NOT NULL,
  symbol STRING NOT NULL,
  quantity DECIMAL(38, 6) NOT NULL,
  trades BIGINT NOT NULL,
  last_event_time TIMESTAMP(3) NOT NULL,
  PRIMARY KEY (account_id, symbol) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'username' = '${jdbc.username}',
  'password' = '${jdbc.password}',
  'table-name' = 'account_positions${suffix}',
  -- Upserts are written at least every 100 ms (and on every checkpoint): this bounds how
  -- stale a row is, not correctness.
  'sink.buffer-flush.interval' = '100ms',
  'sink.buffer-flush.max-rows' = '500'
);

CREATE TEMPORARY TABLE account_cash (
  account_id STRING NOT NULL,
  currency STRING NOT NULL,
  balance DECIMAL(38, 2) NOT NULL,
  transactions BIGINT NOT NULL,
  last_event_time TIMESTAMP(3) NOT NULL,
  PRIMARY KEY (account_id, currency) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'username' = '${jdbc.username}',
  'password' = '${jdbc.password}',
  'table-name' = 'account_cash${suffix}',
  'sink.buffer-flush.interval' = '100ms',
  'sink.buffer-flush.max-rows' = '500'
);

-- Only settled transactions move positions and cash: a transaction counts once, when its
-- SETTLED event is in the log (PENDING, FAILED, CANCELLED and UNKNOWN events do not count).
CREATE TEMPORARY VIEW settled AS
SELECT * FROM transactions WHERE status = 'SETTLED';

-- BUY adds shares, SELL removes them; DIVIDEND pays cash and leaves the position alone.
INSERT INTO account_positions
SELECT account_id, symbol,
  SUM(CASE WHEN `type` = 'BUY' THEN quantity ELSE -quantity END) AS quantity,
  COUNT(*) AS trades,
  MAX(event_time) AS last_event_time
FROM settled
WHERE `type` IN ('BUY', 'SELL') AND symbol IS NOT NULL AND quantity IS NOT NULL
GROUP BY account_id, symbol;

-- DEPOSIT +amount, WITHDRAWAL −amount, BUY −amount, SELL +amount, DIVIDEND +amount; a fee,
-- when there is one, is always paid out of cash.
INSERT INTO account_cash
SELECT account_id, currency,
  SUM(
    CASE `type`
      WHEN 'DEPOSIT' THEN amount
      WHEN 'WITHDRAWAL' THEN -amount
      WHEN 'BUY' THEN -amount
      WHEN 'SELL' THEN amount
      WHEN 'DIVIDEND' THEN amount
      ELSE CAST(0 AS DECIMAL(18, 2))
    END - COALESCE(fee, CAST(0 AS DECIMAL(18, 2)))
  ) AS balance,
  COUNT(*) AS transactions,
  MAX(event_time) AS last_event_time
FROM settled
GROUP BY account_id, currency;
