CREATE TABLE "journey_configs" (
	"journey_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"enabled" boolean,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"journey_state_id" uuid,
	"journey_id" text NOT NULL,
	"user_key" text NOT NULL,
	"kind" text NOT NULL,
	"message" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"journey_id" text NOT NULL,
	"user_key" text NOT NULL,
	"contact_id" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"hatchet_run_id" text NOT NULL,
	"trigger_event_id" uuid,
	"current_step" text,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"wait_deadline" timestamp with time zone,
	"entry_count" integer DEFAULT 1 NOT NULL,
	"exit_reason" text,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "email_preferences" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"unsubscribed_all" boolean DEFAULT false NOT NULL,
	"opted_out_categories" text[] DEFAULT '{}' NOT NULL,
	"suppressed" boolean DEFAULT false NOT NULL,
	"suppressed_reason" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "journey_logs" ADD CONSTRAINT "journey_logs_journey_state_id_journey_states_id_fk" FOREIGN KEY ("journey_state_id") REFERENCES "public"."journey_states"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_states" ADD CONSTRAINT "journey_states_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_preferences" ADD CONSTRAINT "email_preferences_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "journey_logs_idempotency_key" ON "journey_logs" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "journey_logs_state_idx" ON "journey_logs" USING btree ("journey_state_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_states_live_key" ON "journey_states" USING btree (coalesce("tenant_id", ''),"user_key","journey_id") WHERE "journey_states"."status" in ('active', 'waiting');--> statement-breakpoint
CREATE UNIQUE INDEX "journey_states_hatchet_run_key" ON "journey_states" USING btree ("hatchet_run_id");--> statement-breakpoint
CREATE INDEX "journey_states_journey_status_idx" ON "journey_states" USING btree ("journey_id","status");--> statement-breakpoint
CREATE INDEX "journey_states_user_key_idx" ON "journey_states" USING btree ("user_key","started_at");