-- A published ruleset is what decisions cite: PostgreSQL refuses to change it or its rules.
-- Drafts stay editable; the only change to a ruleset row is draft -> published.
CREATE OR REPLACE FUNCTION redflag_rulesets_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status <> 'draft' THEN
    RAISE EXCEPTION 'published rulesets are immutable' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER rulesets_immutable
  BEFORE UPDATE OR DELETE ON rulesets
  FOR EACH ROW EXECUTE FUNCTION redflag_rulesets_immutable();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION redflag_rules_of_drafts_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT status FROM rulesets WHERE id = OLD.ruleset_id) <> 'draft' THEN
    RAISE EXCEPTION 'rules of a published ruleset are immutable' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER rules_of_drafts_only
  BEFORE UPDATE OR DELETE ON rules
  FOR EACH ROW EXECUTE FUNCTION redflag_rules_of_drafts_only();
