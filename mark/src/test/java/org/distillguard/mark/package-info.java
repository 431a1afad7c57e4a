@NullMarked
package org.distillguard.mark;

import org.jspecify.annotations.NullMarked;
