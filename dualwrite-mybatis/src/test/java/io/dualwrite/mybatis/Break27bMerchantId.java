package io.dualwrite.mybatis;

/** Round 27b: a value-object merchant id; its {@code toString()} is not the text its handler binds. */
public record Break27bMerchantId(String value) {
}
