CREATE TABLE "event_outbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"last_error_permanent" boolean DEFAULT false NOT NULL,
	"parked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "user_events_pending_push_idx";--> statement-breakpoint
ALTER TABLE "user_events" ALTER COLUMN "push_state" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "journey_states" ADD COLUMN "waiting_for" text;--> statement-breakpoint
ALTER TABLE "event_outbox" ADD CONSTRAINT "event_outbox_event_id_user_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."user_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_outbox_due_idx" ON "event_outbox" USING btree ("next_attempt_at") WHERE "event_outbox"."parked_at" is null;--> statement-breakpoint
CREATE INDEX "journey_states_waiting_for_idx" ON "journey_states" USING btree ("user_key","waiting_for") WHERE "journey_states"."waiting_for" is not null;--> statement-breakpoint
-- Events still waiting for Hatchet move to the outbox with their attempts; every event stored
-- before this migration was pushed to Hatchet or is on its way, so all of them read as queued.
INSERT INTO "event_outbox" ("event_id", "attempts", "last_error", "created_at") SELECT "id", "push_attempts", "last_push_error", "received_at" FROM "user_events" WHERE "push_state" = 'pending';--> statement-breakpoint
UPDATE "user_events" SET "push_state" = 'queued' WHERE "push_state" <> 'queued';--> statement-breakpoint
ALTER TABLE "user_events" DROP COLUMN "push_attempts";--> statement-breakpoint
ALTER TABLE "user_events" DROP COLUMN "pushed_at";--> statement-breakpoint
ALTER TABLE "user_events" DROP COLUMN "last_push_error";