@NullMarked
package org.distillguard.mark.stats;

import org.jspecify.annotations.NullMarked;
