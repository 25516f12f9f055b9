ALTER TABLE "email_sends" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "email_sends" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "email_sends" ADD COLUMN "batch_position" integer;--> statement-breakpoint
CREATE INDEX "email_sends_due_idx" ON "email_sends" USING btree ("next_attempt_at") WHERE "email_sends"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "email_sends_claimed_idx" ON "email_sends" USING btree ("claimed_at") WHERE "email_sends"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "email_sends_batch_idx" ON "email_sends" USING btree ("batch_id") WHERE "email_sends"."status" = 'sending';