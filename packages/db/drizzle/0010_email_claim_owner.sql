-- Who claimed a send: the dispatcher process whose session advisory lock on this id shows it alive.
-- Nullable with no default, so adding it rewrites nothing.
ALTER TABLE "email_sends" ADD COLUMN "claimed_by" uuid;