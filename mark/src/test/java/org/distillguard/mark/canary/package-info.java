@NullMarked
package org.distillguard.mark.canary;

import org.jspecify.annotations.NullMarked;
