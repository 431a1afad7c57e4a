@org.jspecify.annotations.NullMarked
package org.distillguard.gateway.mark;
