/**
 * The Spring Boot quick start: an application whose repository writes through JdbcTemplate, configured by
 * {@code dualwrite.*} properties and one annotation, double-writing per merchant switch.
 */
@NullMarked
package io.dualwrite.examples.spring;

import org.jspecify.annotations.NullMarked;
