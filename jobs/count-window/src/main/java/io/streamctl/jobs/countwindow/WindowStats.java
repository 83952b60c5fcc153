package io.streamctl.jobs.countwindow;

import java.math.BigDecimal;

/** One full count window of an account in one currency: what goes to account_count_windows. */
public class WindowStats {
  public String accountId;
  public String currency;
  /** 1 for an account and currency's first N transactions, 2 for the next N, … */
  public long windowSeq;
  public long transactions;
  public BigDecimal amountSum;
  public BigDecimal amountMin;
  public BigDecimal amountMax;
  /** amountSum / transactions, rounded half-up to 6 decimals. */
  public BigDecimal amountAvg;
  public long firstEventTime;
  public long lastEventTime;

  public WindowStats() {}
}
