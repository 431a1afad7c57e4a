/** The probe of a suspect model: inputs, endpoint client, tests, JSON and HTML report. */
@NullMarked
package org.distillguard.mark.probe;

import org.jspecify.annotations.NullMarked;
