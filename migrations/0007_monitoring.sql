CREATE TABLE "monitoring_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"trigger_key" text NOT NULL,
	"trigger" jsonb NOT NULL,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monitoring_work_items" (
	"run_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"method" text,
	"previous_decision_id" uuid,
	"previous_outcome" text,
	"previous_score" integer,
	"new_decision_id" uuid,
	"new_outcome" text,
	"new_score" integer,
	"ruleset_id" uuid,
	"list_version_ids" jsonb,
	"error" text,
	"processed_by" text,
	"processed_at" timestamp with time zone,
	CONSTRAINT "monitoring_work_items_pk" PRIMARY KEY("run_id","subject_id")
);
--> statement-breakpoint
ALTER TABLE "monitoring_runs" ADD CONSTRAINT "monitoring_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_work_items" ADD CONSTRAINT "monitoring_work_items_run_id_monitoring_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."monitoring_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_work_items" ADD CONSTRAINT "monitoring_work_items_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_runs_tenant_trigger_uq" ON "monitoring_runs" USING btree ("tenant_id","trigger_key");--> statement-breakpoint
CREATE INDEX "monitoring_runs_tenant_created_idx" ON "monitoring_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "monitoring_work_items_pending_idx" ON "monitoring_work_items" USING btree ("run_id","subject_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "monitoring_work_items_new_decision_idx" ON "monitoring_work_items" USING btree ("new_decision_id") WHERE new_decision_id is not null;--> statement-breakpoint
CREATE INDEX "monitoring_work_items_unchanged_idx" ON "monitoring_work_items" USING btree ("subject_id","processed_at") WHERE status = 'unchanged';