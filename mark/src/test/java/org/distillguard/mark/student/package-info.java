@NullMarked
package org.distillguard.mark.student;

import org.jspecify.annotations.NullMarked;
