CREATE TABLE "audit_chain_heads" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"sequence" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"details" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"external_ref" text,
	"outcome" text NOT NULL,
	"score" integer NOT NULL,
	"hits" jsonb NOT NULL,
	"ruleset_id" uuid NOT NULL,
	"ruleset_version" integer NOT NULL,
	"list_versions" jsonb NOT NULL,
	"input" jsonb,
	"input_digest" text NOT NULL,
	"idempotency_key" text,
	"subject_id" uuid,
	"sequence" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"input_erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"list_version_id" uuid NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"programs" text[] NOT NULL,
	"data" jsonb NOT NULL,
	"content_hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_identifiers" (
	"entry_id" uuid NOT NULL,
	"list_version_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"normalized" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_sources" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"active_version_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"version" integer NOT NULL,
	"format" text NOT NULL,
	"content_digest" text NOT NULL,
	"files" jsonb NOT NULL,
	"counts" jsonb NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ruleset_id" uuid NOT NULL,
	"rule_key" text NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"enabled" boolean NOT NULL,
	"weight" integer NOT NULL,
	"severity" text NOT NULL,
	"forces_block" boolean DEFAULT false NOT NULL,
	"indicator_ids" text[] NOT NULL,
	"params" jsonb NOT NULL,
	"rule_version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rulesets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"thresholds" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"label" text,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "subject_link_keys" (
	"tenant_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"name_key" text NOT NULL,
	"decision_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"external_ref" text,
	"monitored" boolean DEFAULT false NOT NULL,
	"last_decision_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_chain_heads" ADD CONSTRAINT "audit_chain_heads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_ruleset_id_rulesets_id_fk" FOREIGN KEY ("ruleset_id") REFERENCES "public"."rulesets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_entries" ADD CONSTRAINT "list_entries_list_version_id_list_versions_id_fk" FOREIGN KEY ("list_version_id") REFERENCES "public"."list_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_identifiers" ADD CONSTRAINT "list_identifiers_entry_id_list_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."list_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_versions" ADD CONSTRAINT "list_versions_source_list_sources_slug_fk" FOREIGN KEY ("source") REFERENCES "public"."list_sources"("slug") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_ruleset_id_rulesets_id_fk" FOREIGN KEY ("ruleset_id") REFERENCES "public"."rulesets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rulesets" ADD CONSTRAINT "rulesets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_link_keys" ADD CONSTRAINT "subject_link_keys_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects" ADD CONSTRAINT "subjects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_tenant_created_idx" ON "audit_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "decisions_tenant_created_idx" ON "decisions" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_tenant_idempotency_uq" ON "decisions" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_tenant_sequence_uq" ON "decisions" USING btree ("tenant_id","sequence");--> statement-breakpoint
CREATE INDEX "decisions_subject_idx" ON "decisions" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "list_entries_version_source_id_uq" ON "list_entries" USING btree ("list_version_id","source_id");--> statement-breakpoint
CREATE INDEX "list_entries_source_id_idx" ON "list_entries" USING btree ("source","source_id");--> statement-breakpoint
CREATE INDEX "list_identifiers_lookup_idx" ON "list_identifiers" USING btree ("kind","normalized");--> statement-breakpoint
CREATE UNIQUE INDEX "list_versions_source_version_uq" ON "list_versions" USING btree ("source","version");--> statement-breakpoint
CREATE UNIQUE INDEX "list_versions_source_digest_uq" ON "list_versions" USING btree ("source","content_digest");--> statement-breakpoint
CREATE UNIQUE INDEX "rules_ruleset_key_uq" ON "rules" USING btree ("ruleset_id","rule_key");--> statement-breakpoint
CREATE UNIQUE INDEX "rulesets_tenant_version_uq" ON "rulesets" USING btree ("tenant_id","version");--> statement-breakpoint
CREATE INDEX "api_keys_tenant_idx" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "subject_link_keys_lookup_idx" ON "subject_link_keys" USING btree ("tenant_id","kind","key");--> statement-breakpoint
CREATE INDEX "subject_link_keys_subject_idx" ON "subject_link_keys" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subjects_tenant_external_ref_uq" ON "subjects" USING btree ("tenant_id","external_ref");