/** The MyBatis quick start: plain MyBatis over a DualWriteDataSource, with an annotated and an XML mapper. */
@org.jspecify.annotations.NullMarked
package io.dualwrite.examples.mybatis;
