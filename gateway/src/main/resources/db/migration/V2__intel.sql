-- Enrichment the provider has about an account, for matching the consortium's keyed
-- fingerprints (docs/INTEL.md): the provider's own opaque payment fingerprint (never the card)
-- and the e-mail domain. Both optional; the gateway hashes them under the consortium key.
ALTER TABLE accounts ADD COLUMN payment_fp VARCHAR(200);
ALTER TABLE accounts ADD COLUMN email_domain VARCHAR(200);
