@NullMarked
package org.distillguard.core.event;

import org.jspecify.annotations.NullMarked;
