-- The Studio's contact search matches a substring of the email or user id (ILIKE '%term%'), which
-- a btree cannot serve: without this index every search scans the contacts (about 300 ms at
-- 100,000). pg_trgm's GIN index answers it in about 10 ms.
--
-- It indexes one expression, the email and user id joined (contactSearchText in
-- packages/db/src/queries/admin-contacts.ts), never a bare column: pg_trgm's operator class also
-- serves `=`, and the planner took a trigram index on external_id for identity lookups by
-- `external_id = $1`, some 50 ms each where the unique btree takes 0.1 ms.
--
-- pg_trgm ships with Postgres (contrib) and is a trusted extension since Postgres 13, so a role
-- with CREATE on the database may install it. Where it cannot (no contrib, no privilege), the
-- migration goes on without it, with a notice: the search still works, by a scan. A deploy is
-- never blocked on an index.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
  RAISE NOTICE 'pg_trgm not installed (%); the contact search will scan instead of using an index', SQLERRM;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS contacts_search_trgm_idx ON contacts
      USING gin ((coalesce(email, '') || ' ' || coalesce(external_id, '')) gin_trgm_ops);
  END IF;
EXCEPTION WHEN undefined_object THEN
  -- The extension lives in a schema off the search_path: its operator class is not found.
  RAISE NOTICE 'pg_trgm operator class not found (%); the contact search will scan', SQLERRM;
END $$;
