ALTER TABLE "user_events" ADD COLUMN "push_state" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "user_events" ADD COLUMN "push_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "user_events" ADD COLUMN "pushed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_events" ADD COLUMN "last_push_error" text;--> statement-breakpoint
CREATE INDEX "user_events_pending_push_idx" ON "user_events" USING btree ("received_at") WHERE "user_events"."push_state" = 'pending';