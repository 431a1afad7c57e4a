/**
 * Persistence behind one interface: SQLite by default, PostgreSQL by configuration, one set of
 * Flyway migrations.
 */
@NullMarked
package org.distillguard.gateway.store;

import org.jspecify.annotations.NullMarked;
