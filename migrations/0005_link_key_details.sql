CREATE TABLE "service_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "subject_link_keys_lookup_idx";--> statement-breakpoint
ALTER TABLE "subject_link_keys" ADD COLUMN "field" text NOT NULL;--> statement-breakpoint
ALTER TABLE "subject_link_keys" ADD COLUMN "display" text NOT NULL;--> statement-breakpoint
CREATE INDEX "subject_link_keys_lookup_idx" ON "subject_link_keys" USING btree ("tenant_id","key");