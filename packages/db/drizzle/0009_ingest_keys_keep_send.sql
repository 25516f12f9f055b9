-- POST /v1/emails now needs the `send` scope, which new `ingest` keys do not carry. Keys that
-- exist already keep sending as they did: they get `send` too (narrow one by reissuing it).
UPDATE "api_keys" SET "scopes" = array_append("scopes", 'send')
WHERE 'ingest' = ANY("scopes") AND NOT ('send' = ANY("scopes"));
