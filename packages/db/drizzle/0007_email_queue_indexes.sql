DROP INDEX "email_sends_status_created_idx";--> statement-breakpoint
DROP INDEX "email_sends_due_idx";--> statement-breakpoint
CREATE INDEX "email_sends_contact_sent_idx" ON "email_sends" USING btree ("contact_id","sent_at") WHERE "email_sends"."status" = 'sent';--> statement-breakpoint
CREATE INDEX "email_sends_status_created_idx" ON "email_sends" USING btree ("status","created_at") WHERE "email_sends"."status" not in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "email_sends_due_idx" ON "email_sends" USING btree ("next_attempt_at","id") WHERE "email_sends"."status" = 'queued';