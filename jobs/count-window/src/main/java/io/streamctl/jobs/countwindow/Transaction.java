package io.streamctl.jobs.countwindow;

import java.math.BigDecimal;

/**
 * The fields of a TransactionEvent the count windows need. A Flink POJO (public fields, no-arg
 * constructor), so records travel between operators with Flink's own serializer rather than
 * Kryo.
 */
public class Transaction {
  public String transactionId;
  /** Event time, milliseconds since the epoch (UTC). */
  public long eventTime;
  public String accountId;
  public String type;
  public String status;
  public String currency;
  /** Gross amount, scale 2, always positive. */
  public BigDecimal amount;

  public Transaction() {}

  /** The key of a count window: an account's transactions in one currency. */
  public String windowKey() {
    return accountId + "|" + currency;
  }
}
