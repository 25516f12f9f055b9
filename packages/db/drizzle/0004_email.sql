CREATE TABLE "email_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"send_id" uuid NOT NULL,
	"type" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"link_id" uuid,
	"url" text,
	"user_agent" text,
	"is_bot" boolean DEFAULT false NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"send_id" uuid NOT NULL,
	"url" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"idempotency_key" text NOT NULL,
	"contact_id" uuid,
	"to_email" text NOT NULL,
	"template" text NOT NULL,
	"category" text NOT NULL,
	"subject" text NOT NULL,
	"props" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"journey_id" text,
	"journey_state_id" uuid,
	"status" text DEFAULT 'queued' NOT NULL,
	"reason" text,
	"provider" text,
	"provider_message_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"first_opened_at" timestamp with time zone,
	"first_clicked_at" timestamp with time zone,
	"bounced_at" timestamp with time zone,
	"complained_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"open_count" integer DEFAULT 0 NOT NULL,
	"click_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"send_id" uuid,
	"from" text NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"text" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_preferences" ADD COLUMN "suppressed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_preferences" ADD COLUMN "bounce_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "email_events" ADD CONSTRAINT "email_events_send_id_email_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."email_sends"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_events" ADD CONSTRAINT "email_events_link_id_email_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."email_links"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_links" ADD CONSTRAINT "email_links_send_id_email_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."email_sends"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_sends" ADD CONSTRAINT "email_sends_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_sends" ADD CONSTRAINT "email_sends_journey_state_id_journey_states_id_fk" FOREIGN KEY ("journey_state_id") REFERENCES "public"."journey_states"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_send_id_email_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."email_sends"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_events_dedupe_key" ON "email_events" USING btree (coalesce("tenant_id", ''),"dedupe_key");--> statement-breakpoint
CREATE INDEX "email_events_send_idx" ON "email_events" USING btree ("send_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "email_links_send_position_key" ON "email_links" USING btree ("send_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "email_sends_tenant_idempotency_key" ON "email_sends" USING btree (coalesce("tenant_id", ''),"idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "email_sends_provider_message_key" ON "email_sends" USING btree ("provider","provider_message_id") WHERE "email_sends"."provider_message_id" is not null;--> statement-breakpoint
CREATE INDEX "email_sends_contact_created_idx" ON "email_sends" USING btree ("contact_id","created_at");--> statement-breakpoint
CREATE INDEX "email_sends_status_created_idx" ON "email_sends" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "email_sends_template_created_idx" ON "email_sends" USING btree ("template","created_at");--> statement-breakpoint
CREATE INDEX "email_sends_journey_idx" ON "email_sends" USING btree ("journey_id","created_at");