package io.dualwrite.mybatis;

import java.math.BigDecimal;

/** Round 27b: a new order as a Java record, which has no setters and no no-argument constructor. */
public record Break27bOrderRecord(String merchantNo, String status, BigDecimal amount) {
}
