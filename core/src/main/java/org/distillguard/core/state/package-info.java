/**
 * Binary snapshots of detector state: helpers that write arrays and strings to {@link
 * java.io.DataOutput} in bulk and read them back, shared by the state classes that checkpoint
 * themselves (the campaign linker and stage). Depends on nothing else in the project.
 */
@NullMarked
package org.distillguard.core.state;

import org.jspecify.annotations.NullMarked;
