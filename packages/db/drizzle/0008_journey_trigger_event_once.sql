-- Enrollments a redelivered trigger event already made twice: keep the first, detach the rest
-- from the event (they stay, as history), so the unique index below can be built.
UPDATE "journey_states" AS s SET "trigger_event_id" = NULL
FROM (
  SELECT "id", row_number() OVER (PARTITION BY "journey_id", "trigger_event_id" ORDER BY "started_at", "id") AS n
  FROM "journey_states" WHERE "trigger_event_id" IS NOT NULL
) AS d
WHERE s."id" = d."id" AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "journey_states_trigger_event_key" ON "journey_states" USING btree ("journey_id","trigger_event_id") WHERE "journey_states"."trigger_event_id" is not null;
