ALTER TABLE "api_keys" ALTER COLUMN "tenant_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "list_sources" ADD COLUMN "tenant_id" uuid;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "list_sources" ADD CONSTRAINT "list_sources_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scope_ck" CHECK (("api_keys"."tenant_id" is null) = ("api_keys"."roles" = array['operator']::text[]));--> statement-breakpoint
-- List data is what decisions cite (by version id and content digest): like decisions, it never
-- changes once written. Activating a version changes list_sources only.
CREATE TRIGGER list_versions_append_only
  BEFORE UPDATE OR DELETE ON list_versions
  FOR EACH ROW EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER list_versions_no_truncate
  BEFORE TRUNCATE ON list_versions
  FOR EACH STATEMENT EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER list_entries_append_only
  BEFORE UPDATE OR DELETE ON list_entries
  FOR EACH ROW EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER list_entries_no_truncate
  BEFORE TRUNCATE ON list_entries
  FOR EACH STATEMENT EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER list_identifiers_append_only
  BEFORE UPDATE OR DELETE ON list_identifiers
  FOR EACH ROW EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER list_identifiers_no_truncate
  BEFORE TRUNCATE ON list_identifiers
  FOR EACH STATEMENT EXECUTE FUNCTION redflag_refuse_change();
