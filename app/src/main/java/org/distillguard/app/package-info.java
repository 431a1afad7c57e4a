/** The {@code distillguard} command: one picocli command class per subcommand. */
@NullMarked
package org.distillguard.app;

import org.jspecify.annotations.NullMarked;
