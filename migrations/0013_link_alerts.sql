CREATE TABLE "monitoring_link_cursors" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"sequence" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_link_cursors" ADD CONSTRAINT "monitoring_link_cursors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A database upgraded to this version starts the scan at each tenant's current chain head: link
-- alerts are for screenings from now on, not a re-examination of the whole history at start-up.
INSERT INTO "monitoring_link_cursors" ("tenant_id", "sequence")
SELECT "tenant_id", "sequence" FROM "audit_chain_heads" ON CONFLICT DO NOTHING;
