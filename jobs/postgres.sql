-- The pipeline's PostgreSQL tables. `streamctl pipeline up` runs this (idempotent: IF NOT
-- EXISTS) before it submits the jobs; ${suffix} is empty for the pipeline itself and a short
-- tag for a second copy beside it (tests). Times are UTC (timestamp without time zone, as
-- Flink's TIMESTAMP(3)); money and quantities are numeric, never floating point.

-- updated_at is when a row was last written: the Flink sinks list only their own columns in
-- their upserts, so the database stamps it (clock time, not the transaction's start).
CREATE OR REPLACE FUNCTION streamctl_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;

-- transaction-analytics: one row per symbol, currency and window.
CREATE TABLE IF NOT EXISTS symbol_window_stats${suffix} (
  symbol text NOT NULL,
  currency text NOT NULL,
  window_kind text NOT NULL,
  window_start timestamp(3) NOT NULL,
  window_end timestamp(3) NOT NULL,
  trades bigint NOT NULL,
  volume numeric(38, 6) NOT NULL,
  notional numeric(38, 10) NOT NULL,
  vwap numeric(38, 6) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, currency, window_kind, window_start, window_end)
);

-- transaction-analytics: trades that missed their 1-minute window.
CREATE TABLE IF NOT EXISTS late_trades${suffix} (
  transaction_id text PRIMARY KEY,
  symbol text NOT NULL,
  currency text NOT NULL,
  event_time timestamp(3) NOT NULL,
  watermark_at_arrival timestamp(3) NOT NULL,
  quantity numeric(18, 6) NOT NULL,
  price numeric(18, 4) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- positions-projection: shares held per account and symbol.
CREATE TABLE IF NOT EXISTS account_positions${suffix} (
  account_id text NOT NULL,
  symbol text NOT NULL,
  quantity numeric(38, 6) NOT NULL,
  trades bigint NOT NULL,
  last_event_time timestamp(3) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, symbol)
);

-- positions-projection: cash per account and currency.
CREATE TABLE IF NOT EXISTS account_cash${suffix} (
  account_id text NOT NULL,
  currency text NOT NULL,
  balance numeric(38, 2) NOT NULL,
  transactions bigint NOT NULL,
  last_event_time timestamp(3) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, currency)
);

-- count-window: statistics of every N settled transactions per account and currency.
CREATE TABLE IF NOT EXISTS account_count_windows${suffix} (
  account_id text NOT NULL,
  currency text NOT NULL,
  window_seq bigint NOT NULL,
  transactions bigint NOT NULL,
  amount_sum numeric(38, 2) NOT NULL,
  amount_min numeric(18, 2) NOT NULL,
  amount_max numeric(18, 2) NOT NULL,
  amount_avg numeric(38, 6) NOT NULL,
  first_event_time timestamp(3) NOT NULL,
  last_event_time timestamp(3) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, currency, window_seq)
);

CREATE OR REPLACE TRIGGER touch_updated_at BEFORE INSERT OR UPDATE ON symbol_window_stats${suffix}
  FOR EACH ROW EXECUTE FUNCTION streamctl_touch_updated_at();
CREATE OR REPLACE TRIGGER touch_updated_at BEFORE INSERT OR UPDATE ON late_trades${suffix}
  FOR EACH ROW EXECUTE FUNCTION streamctl_touch_updated_at();
CREATE OR REPLACE TRIGGER touch_updated_at BEFORE INSERT OR UPDATE ON account_positions${suffix}
  FOR EACH ROW EXECUTE FUNCTION streamctl_touch_updated_at();
CREATE OR REPLACE TRIGGER touch_updated_at BEFORE INSERT OR UPDATE ON account_cash${suffix}
  FOR EACH ROW EXECUTE FUNCTION streamctl_touch_updated_at();
CREATE OR REPLACE TRIGGER touch_updated_at BEFORE INSERT OR UPDATE ON account_count_windows${suffix}
  FOR EACH ROW EXECUTE FUNCTION streamctl_touch_updated_at();
