/** TAXII 2.1 server (Vert.x) and polling client. */
@NullMarked
package org.distillguard.intel.taxii;

import org.jspecify.annotations.NullMarked;
