/**
 * Benchmarks: JMH micro-benchmarks of the hot paths and drivers that measure whole runs. Results
 * and the commands that produced them are in {@code docs/PERFORMANCE.md}.
 */
@NullMarked
package org.distillguard.bench;

import org.jspecify.annotations.NullMarked;
