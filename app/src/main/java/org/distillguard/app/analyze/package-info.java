/** {@code distillguard analyze}: exchange logs in, verdicts, campaigns and a report out. */
@NullMarked
package org.distillguard.app.analyze;

import org.jspecify.annotations.NullMarked;
