CREATE TABLE "erased_addresses" (
	"tenant_id" text,
	"email_sha256" text NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "erased_addresses_tenant_hash_key" ON "erased_addresses" USING btree (coalesce("tenant_id", ''),"email_sha256");