/**
 * The gateway's side of attribution: which answers are marked and with which key ({@link
 * org.distillguard.gateway.mark.Marking}), the keyed lexical watermark applied to answer text chunk
 * by chunk in every wire format ({@link org.distillguard.gateway.mark.AnswerMarking}), canaries for
 * suspects, the inference server's own watermark switch, and the record of every marked serving in
 * the store. The watermark itself lives in the {@code mark} module.
 */
@org.jspecify.annotations.NullMarked
package org.distillguard.gateway.mark;
