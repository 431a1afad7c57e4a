/** Gateway configuration: the YAML file, environment substitution, safe defaults. */
@NullMarked
package org.distillguard.gateway.config;

import org.jspecify.annotations.NullMarked;
