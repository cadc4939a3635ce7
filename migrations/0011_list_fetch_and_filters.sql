CREATE TABLE "list_fetch_state" (
	"source" text PRIMARY KEY NOT NULL,
	"format" text NOT NULL,
	"every_minutes" integer NOT NULL,
	"max_age_hours" real,
	"validators" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"last_fetch_at" timestamp with time zone,
	"last_result" text,
	"last_error" text,
	"last_version_id" uuid,
	"last_success_at" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"stale_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "list_versions" ADD COLUMN "filters" jsonb;