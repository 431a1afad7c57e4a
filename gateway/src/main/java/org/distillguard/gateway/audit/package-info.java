/**
 * The audit log: who did what to whom, why and when; every action the gateway or an operator takes.
 */
@NullMarked
package org.distillguard.gateway.audit;

import org.jspecify.annotations.NullMarked;
