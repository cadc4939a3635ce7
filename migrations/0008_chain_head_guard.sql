-- A screening written in one statement (no transaction around it) moves the tenant's chain head
-- only if the head is still the one it sealed against. When it is not, the whole statement must
-- undo itself, including the subject row it upserted: this raises serialization_failure, the
-- error PostgreSQL itself gives a write that lost a race, and the service writes it again.
CREATE OR REPLACE FUNCTION redflag_require_chain_head(moved boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT moved THEN
    RAISE EXCEPTION 'the audit chain head moved; write the decision again' USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END;
$$;
