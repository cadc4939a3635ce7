-- The queue filters cases by list source (issue 22): which lists (ofac-sdn, un, redflag-curated,
-- a tenant's watchlist "<tenant>:<slug>", ...) the entries hit by the case's decisions come from.
-- Kept on the case (sorted, each once) so the filter and its counts read one table; a GIN index
-- answers "list_sources @> {x}" beside cases_queue_idx.
ALTER TABLE "cases" ADD COLUMN "list_sources" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_list_sources_idx" ON "cases" USING gin ("list_sources");--> statement-breakpoint

-- Every writer of case_decisions (the screening transaction, the batch statement, and any later
-- one) keeps it right: a decision joining a case adds the sources of the list entries its hits
-- name. Deferred to commit: the screening transaction links the case before it appends the
-- decision (the chain head is locked last), and the batch statement writes both in one statement.
CREATE OR REPLACE FUNCTION redflag_case_list_sources() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET list_sources = array(
    SELECT DISTINCT source FROM unnest(cases.list_sources || array(
      SELECT hit -> 'entry' ->> 'source' FROM decisions, jsonb_array_elements(decisions.hits) AS hit
      WHERE decisions.id = NEW.decision_id AND jsonb_typeof(hit -> 'entry') = 'object' AND hit -> 'entry' ->> 'source' IS NOT NULL
    )) AS source ORDER BY source)
  WHERE id = NEW.case_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "case_decisions_list_sources" AFTER INSERT ON "case_decisions" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION redflag_case_list_sources();--> statement-breakpoint

-- Cases written before this migration.
UPDATE cases SET list_sources = array(
  SELECT DISTINCT hit -> 'entry' ->> 'source'
  FROM case_decisions JOIN decisions ON decisions.id = case_decisions.decision_id, jsonb_array_elements(decisions.hits) AS hit
  WHERE case_decisions.case_id = cases.id AND jsonb_typeof(hit -> 'entry') = 'object' AND hit -> 'entry' ->> 'source' IS NOT NULL
  ORDER BY 1);
