/** The admin HTTP API, protected by an admin token. */
@NullMarked
package org.distillguard.gateway.admin;

import org.jspecify.annotations.NullMarked;
