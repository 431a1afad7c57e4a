package org.distillguard.mark.probe;

/**
 * One output of the suspect model and the prompt it answered ("" when unknown).
 *
 * @param id a stable id (the prompt's id when the probe queried an endpoint)
 * @param prompt the prompt, used only to drop units that echo it
 * @param output the suspect's text
 */
public record SuspectOutput(String id, String prompt, String output) {}
