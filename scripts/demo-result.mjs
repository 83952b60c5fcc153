// The demo's result: what the pipeline's Flink jobs made of the events `streamctl produce`
// wrote — the positions projection's holdings and cash per account, and the windowed trade
// statistics per symbol — read from Postgres. The projection answers within about a second;
// a window's row exists only once the watermark has passed its end.
import { execFileSync } from 'node:child_process';
import pg from 'pg';

const status = JSON.parse(execFileSync(process.execPath, ['bin/streamctl', 'dev', 'status', '-o', 'json'], { encoding: 'utf8' }));
const db = new pg.Client({ connectionString: status.postgres.url, connectionTimeoutMillis: 10_000 });
await db.connect();
try {
  // The projection keeps up within about a second: wait (up to 30 s) until it has seen the last event.
  const deadline = Date.now() + 30_000;
  let cash;
  for (;;) {
    cash = await db.query('select count(*)::int as accounts, coalesce(sum(transactions), 0)::int as transactions from account_cash');
    const stable = await new Promise((r) => setTimeout(r, 1_000)).then(() =>
      db.query('select coalesce(sum(transactions), 0)::int as transactions from account_cash'),
    );
    if ((cash.rows[0].transactions > 0 && stable.rows[0].transactions === cash.rows[0].transactions) || Date.now() > deadline) break;
  }
  console.log(
    `positions-projection: ${cash.rows[0].transactions} transactions applied to ${cash.rows[0].accounts} account/currency balances (Postgres account_cash)`,
  );
  const positions = await db.query(
    `select account_id, symbol, quantity, trades, last_event_time from account_positions order by trades desc, account_id, symbol limit 8`,
  );
  console.log('\nlargest positions by trades (Postgres account_positions):');
  console.table(positions.rows);
  const windows = await db.query(
    `select symbol, currency, window_kind, window_start, trades, volume, vwap from symbol_window_stats order by window_end desc, trades desc limit 8`,
  );
  console.log('\nlatest closed windows per symbol (Postgres symbol_window_stats; a window closes 5 s after its end in event time):');
  if (windows.rows.length) console.table(windows.rows);
  else console.log('  none closed yet: produce again a minute later and they appear');
} finally {
  await db.end();
}
