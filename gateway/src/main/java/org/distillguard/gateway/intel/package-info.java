/**
 * Imported threat intelligence in the gateway: the indicators other consortium members publish
 * (docs/INTEL.md), matched against every request's client address, keyed account, key, payment and
 * e-mail fingerprints and prompt template, combined with the local policy, audited, and reported
 * back to the publishers as STIX sightings.
 */
@org.jspecify.annotations.NullMarked
package org.distillguard.gateway.intel;
