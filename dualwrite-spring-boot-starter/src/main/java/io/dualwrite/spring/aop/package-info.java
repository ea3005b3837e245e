/**
 * The Spring AOP side of {@link io.dualwrite.annotation.DualWrite} and {@link io.dualwrite.annotation.DualRead}:
 * {@link io.dualwrite.spring.aop.DualWriteAdvisor} opens each annotated call's
 * {@link io.dualwrite.MigrationContext}; {@link io.dualwrite.spring.aop.DualReadAdvisor} also runs shadow reads
 * (through {@link io.dualwrite.spring.aop.ShadowReads}, sampled by {@link io.dualwrite.spring.aop.ShadowReadSampling})
 * and merged list reads.
 */
@NullMarked
package io.dualwrite.spring.aop;

import org.jspecify.annotations.NullMarked;
