CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"external_id" text,
	"email" text,
	"anonymous_id" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"user_key" text NOT NULL,
	"contact_id" uuid,
	"event" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text DEFAULT 'api' NOT NULL,
	"idempotency_key" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_events" ADD CONSTRAINT "user_events_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_external_id_key" ON "contacts" USING btree (coalesce("tenant_id", ''),"external_id") WHERE "contacts"."deleted_at" is null and "contacts"."external_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_email_key" ON "contacts" USING btree (coalesce("tenant_id", ''),lower("email")) WHERE "contacts"."deleted_at" is null and "contacts"."email" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_anonymous_id_key" ON "contacts" USING btree (coalesce("tenant_id", ''),"anonymous_id") WHERE "contacts"."deleted_at" is null and "contacts"."anonymous_id" is not null;--> statement-breakpoint
CREATE INDEX "contacts_last_seen_at_idx" ON "contacts" USING btree ("last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "user_events_tenant_idempotency_key" ON "user_events" USING btree (coalesce("tenant_id", ''),"idempotency_key");--> statement-breakpoint
CREATE INDEX "user_events_user_key_occurred_at_idx" ON "user_events" USING btree ("user_key","occurred_at");--> statement-breakpoint
CREATE INDEX "user_events_event_occurred_at_idx" ON "user_events" USING btree ("event","occurred_at");--> statement-breakpoint
CREATE INDEX "user_events_occurred_at_idx" ON "user_events" USING btree ("occurred_at");