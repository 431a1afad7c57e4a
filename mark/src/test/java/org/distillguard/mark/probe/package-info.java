@NullMarked
package org.distillguard.mark.probe;

import org.jspecify.annotations.NullMarked;
