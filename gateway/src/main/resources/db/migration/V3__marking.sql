-- Every answer served marked (watermark and/or canary), for attribution: hashes and ids only,
-- never prompt or answer text (docs/WATERMARK.md, docs/GATEWAY.md).
CREATE TABLE mark_servings (
  id                 VARCHAR(40) PRIMARY KEY,
  at                 BIGINT NOT NULL,
  account            VARCHAR(200) NOT NULL,
  campaign           VARCHAR(200),
  key_label          VARCHAR(300) NOT NULL,
  key_fingerprint    VARCHAR(32) NOT NULL,
  endpoint           VARCHAR(40) NOT NULL,
  prompt_hash        VARCHAR(64) NOT NULL,
  canary_hash        VARCHAR(64),
  words              BIGINT NOT NULL,
  units              BIGINT NOT NULL,
  changed            BIGINT NOT NULL,
  upstream_watermark VARCHAR(20) NOT NULL
);
CREATE INDEX mark_servings_account ON mark_servings (account);
CREATE INDEX mark_servings_at ON mark_servings (at);
