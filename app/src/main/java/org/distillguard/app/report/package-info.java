/**
 * The self-contained {@code report.html} that {@code distillguard analyze} writes: one page, no
 * external resources, every user-controlled string escaped. Entry point: {@link
 * org.distillguard.app.report.HtmlReport#write}.
 */
@NullMarked
package org.distillguard.app.report;

import org.jspecify.annotations.NullMarked;
