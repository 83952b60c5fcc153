package io.streamctl.jobs.countwindow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;

/**
 * Count windows over the transaction log: for every account and currency, statistics of each
 * consecutive run of N settled transactions (default 10) — count, sum, min, max and average of
 * the gross amount, first and last event time — upserted into PostgreSQL keyed by (account_id,
 * currency, window_seq).
 *
 * <p>Order: the topic is keyed by account_id, so an account's transactions sit on one partition
 * in the order they were produced, and windows are cut in that (offset) order, not by event
 * time. A window is emitted when its Nth transaction arrives; the last, partial window of an
 * account is kept in state until it fills.
 *
 * <p>Exactly-once results: the window contents and their sequence numbers are a deterministic
 * function of the log, and Flink restores both the Kafka offsets and the window state from the
 * same checkpoint, so a replay after a failure recomputes identical rows; the sink upserts by
 * the primary key, so writing a row again changes nothing. The JDBC sink writes at least once
 * (it flushes its batch on every checkpoint); the upsert turns that into exactly-once results.
 *
 * <p>Arguments: --bootstrap-servers, --topic, --group-id, --registry-url, --jdbc-url,
 * [--jdbc-user], [--jdbc-password], --table, [--window-size 10], [--job-name count-window].
 */
public class CountWindowJob {

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    String table = require(args, "table");
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("--table must be a plain SQL identifier: " + table);
    int size = Integer.parseInt(args.getOrDefault("window-size", "10"));
    if (size < 1) throw new IllegalArgumentException("--window-size must be at least 1");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    KafkaSource<Transaction> source =
        KafkaSource.<Transaction>builder()
            .setBootstrapServers(require(args, "bootstrap-servers"))
            .setTopics(require(args, "topic"))
            .setGroupId(require(args, "group-id"))
            // Without restored state the job rebuilds its table from the whole log; with state,
            // the checkpointed offsets win and this is ignored.
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setValueOnlyDeserializer(new ConfluentTransactionDeserializer(require(args, "registry-url")))
            // Group offsets are committed on checkpoints, only so that lag tools can see progress.
            .setProperty("commit.offsets.on.checkpoint", "true")
            .build();

    String upsert =
        "INSERT INTO "
            + table
            + " (account_id, currency, window_seq, transactions, amount_sum, amount_min, amount_max, amount_avg,"
            + " first_event_time, last_event_time, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (account_id, currency, window_seq) DO UPDATE SET transactions = EXCLUDED.transactions,"
            + " amount_sum = EXCLUDED.amount_sum, amount_min = EXCLUDED.amount_min, amount_max = EXCLUDED.amount_max,"
            + " amount_avg = EXCLUDED.amount_avg, first_event_time = EXCLUDED.first_event_time,"
            + " last_event_time = EXCLUDED.last_event_time, updated_at = now()";

    JdbcSink<WindowStats> sink =
        JdbcSink.<WindowStats>builder()
            .withQueryStatement(
                upsert,
                (ps, s) -> {
                  ps.setString(1, s.accountId);
                  ps.setString(2, s.currency);
                  ps.setLong(3, s.windowSeq);
                  ps.setLong(4, s.transactions);
                  ps.setBigDecimal(5, s.amountSum);
                  ps.setBigDecimal(6, s.amountMin);
                  ps.setBigDecimal(7, s.amountMax);
                  ps.setBigDecimal(8, s.amountAvg);
                  // timestamp without time zone holding UTC, whatever the TaskManager's zone is.
                  ps.setObject(9, LocalDateTime.ofInstant(Instant.ofEpochMilli(s.firstEventTime), ZoneOffset.UTC));
                  ps.setObject(10, LocalDateTime.ofInstant(Instant.ofEpochMilli(s.lastEventTime), ZoneOffset.UTC));
                })
            .withExecutionOptions(JdbcExecutionOptions.builder().withBatchSize(200).withBatchIntervalMs(200).withMaxRetries(3).build())
            .buildAtLeastOnce(
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                    .withUrl(require(args, "jdbc-url"))
                    .withDriverName("org.postgresql.Driver")
                    .withUsername(args.getOrDefault("jdbc-user", ""))
                    .withPassword(args.getOrDefault("jdbc-password", ""))
                    .build());

    // Stable uids: a savepoint or retained checkpoint maps onto the same operators after a rebuild of the jar.
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "transactions")
        .uid("transactions-source")
        .filter(t -> "SETTLED".equals(t.status))
        .uid("settled")
        .keyBy(Transaction::windowKey)
        .countWindow(size)
        .aggregate(new Accumulate(), new Emit())
        .uid("count-windows")
        .sinkTo(sink)
        .uid("postgres-sink");

    env.execute(args.getOrDefault("job-name", "count-window"));
  }

  /** Running totals of one window. */
  public static class Acc {
    public long count;
    public BigDecimal sum = BigDecimal.ZERO;
    public BigDecimal min;
    public BigDecimal max;
    public long first = Long.MAX_VALUE;
    public long last = Long.MIN_VALUE;
    public String accountId;
    public String currency;

    public Acc() {}
  }

  static class Accumulate implements AggregateFunction<Transaction, Acc, Acc> {
    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc add(Transaction t, Acc a) {
      a.accountId = t.accountId;
      a.currency = t.currency;
      a.count++;
      a.sum = a.sum.add(t.amount);
      a.min = a.min == null || t.amount.compareTo(a.min) < 0 ? t.amount : a.min;
      a.max = a.max == null || t.amount.compareTo(a.max) > 0 ? t.amount : a.max;
      a.first = Math.min(a.first, t.eventTime);
      a.last = Math.max(a.last, t.eventTime);
      return a;
    }

    @Override
    public Acc getResult(Acc a) {
      return a;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
      // Count windows never merge.
      throw new UnsupportedOperationException("count windows do not merge");
    }
  }

  /** Numbers the windows of each key; the sequence lives in per-key state that outlives each window. */
  static class Emit extends ProcessWindowFunction<Acc, WindowStats, String, GlobalWindow> {
    private final ValueStateDescriptor<Long> seqDescriptor = new ValueStateDescriptor<>("window-seq", Types.LONG);

    @Override
    public void process(String key, Context ctx, Iterable<Acc> results, Collector<WindowStats> out) throws Exception {
      ValueState<Long> seq = ctx.globalState().getState(seqDescriptor);
      long next = (seq.value() == null ? 0L : seq.value()) + 1;
      seq.update(next);
      Acc a = results.iterator().next();
      WindowStats s = new WindowStats();
      s.accountId = a.accountId;
      s.currency = a.currency;
      s.windowSeq = next;
      s.transactions = a.count;
      s.amountSum = a.sum;
      s.amountMin = a.min;
      s.amountMax = a.max;
      s.amountAvg = a.sum.divide(BigDecimal.valueOf(a.count), 6, RoundingMode.HALF_UP);
      s.firstEventTime = a.first;
      s.lastEventTime = a.last;
      out.collect(s);
    }
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + argv[i]);
      if (i + 1 >= argv.length) throw new IllegalArgumentException(argv[i] + " needs a value");
      args.put(argv[i].substring(2), argv[++i]);
    }
    return args;
  }

  private static String require(Map<String, String> args, String name) {
    String v = args.get(name);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + name + " is required");
    return v;
  }
}
