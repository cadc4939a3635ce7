-- Decisions and audit events are append-only, enforced by PostgreSQL itself so that no code
-- path (or person with SQL access but without trigger rights) can rewrite history unnoticed.
-- The one permitted change is erasing a decision's stored input (retention or a subject's
-- erasure request): its digest stays in the row and in the hash chain.
CREATE OR REPLACE FUNCTION redflag_decisions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'decisions are append-only: DELETE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.input IS NULL AND NEW.input_erased_at IS NOT NULL
     AND (to_jsonb(NEW) - 'input' - 'input_erased_at') = (to_jsonb(OLD) - 'input' - 'input_erased_at') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'decisions are append-only: only erasing the stored input is allowed' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER decisions_append_only
  BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION redflag_decisions_append_only();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION redflag_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER decisions_no_truncate
  BEFORE TRUNCATE ON decisions
  FOR EACH STATEMENT EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION redflag_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION redflag_refuse_change();
