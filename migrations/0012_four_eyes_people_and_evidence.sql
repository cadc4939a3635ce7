-- Issue 16: four-eyes compares people, and the false-positive memory covers what was reviewed.

-- Every key names the person or system it belongs to; existing keys get their label, or 'unknown'.
ALTER TABLE "api_keys" ADD COLUMN "owner" text;--> statement-breakpoint
UPDATE "api_keys" SET "owner" = coalesce(nullif(btrim("label"), ''), 'unknown');--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "owner" SET NOT NULL;--> statement-breakpoint
-- Key lineage: the key that made this one over the API, recovered for existing keys from the
-- audit event that recorded their creation (CLI and bootstrap keys have none).
ALTER TABLE "api_keys" ADD COLUMN "created_by_key_id" uuid;--> statement-breakpoint
UPDATE "api_keys" AS k SET "created_by_key_id" = substr(e."actor", 9)::uuid
  FROM "audit_events" AS e
  WHERE e."action" = 'api_key.created' AND e."target_id" = k."id"::text
    AND e."actor" ~ '^api-key:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';--> statement-breakpoint

-- A remembered false positive was a whole list entry; it becomes the evidence the reviewers saw:
-- each name hit on that entry (same content) in the case's decisions, with its rule, field,
-- matched value (digest of the subject's name and the listed name, as the service computes it)
-- and highest similarity. Identifier hits, hits that forced a block and hits already suppressed
-- are not carried over: they are never suppressed now.
DROP INDEX "false_positives_uq";--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "rule_id" text;--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "field" text;--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "value_digest" text;--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "similarity" integer;--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "disposition_event_id" uuid;--> statement-breakpoint
ALTER TABLE "false_positives" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
INSERT INTO "false_positives"
  ("tenant_id", "subject_id", "source", "source_id", "entry_content_hash", "rule_id", "field", "value_digest", "similarity", "case_id", "disposition_event_id", "cleared_by", "cleared_at")
SELECT fp."tenant_id", fp."subject_id", fp."source", fp."source_id", fp."entry_content_hash",
       hit->>'ruleId', hit->>'field',
       encode(sha256(convert_to((hit->>'value') || chr(31) || (hit->>'matchedName'), 'UTF8')), 'hex'),
       max(round((hit->>'similarity')::numeric * 1000)::integer),
       fp."case_id", closing."id", fp."cleared_by", fp."cleared_at"
FROM "false_positives" AS fp
JOIN LATERAL (
  SELECT e."id" FROM "case_events" AS e
  WHERE e."case_id" = fp."case_id" AND e."type" IN ('disposed', 'approved') AND e."data"->>'disposition' = 'false_positive'
  ORDER BY e."created_at" DESC, e."id" DESC LIMIT 1
) AS closing ON true
JOIN "case_decisions" AS cd ON cd."case_id" = fp."case_id"
JOIN "decisions" AS d ON d."id" = cd."decision_id"
CROSS JOIN LATERAL jsonb_array_elements(d."hits") AS hit
JOIN "list_entries" AS le ON le."id"::text = hit->'entry'->>'id' AND le."content_hash" = fp."entry_content_hash"
WHERE fp."rule_id" IS NULL
  AND hit->'entry'->>'source' = fp."source" AND hit->'entry'->>'sourceId' = fp."source_id"
  AND hit->>'ruleId' IS NOT NULL AND hit->>'field' IS NOT NULL
  AND hit->>'value' IS NOT NULL AND hit->>'matchedName' IS NOT NULL
  AND jsonb_typeof(hit->'similarity') = 'number'
  AND coalesce(hit->>'forcesBlock', 'false') <> 'true'
  AND hit->'previouslyCleared' IS NULL
GROUP BY fp."tenant_id", fp."subject_id", fp."source", fp."source_id", fp."entry_content_hash", hit->>'ruleId', hit->>'field',
         hit->>'value', hit->>'matchedName', fp."case_id", closing."id", fp."cleared_by", fp."cleared_at";--> statement-breakpoint
DELETE FROM "false_positives" WHERE "rule_id" IS NULL;--> statement-breakpoint
ALTER TABLE "false_positives" ALTER COLUMN "rule_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "false_positives" ALTER COLUMN "field" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "false_positives" ALTER COLUMN "value_digest" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "false_positives" ALTER COLUMN "similarity" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "false_positives" ALTER COLUMN "disposition_event_id" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "false_positives_evidence_uq" ON "false_positives" USING btree ("disposition_event_id","source","source_id","entry_content_hash","rule_id","field","value_digest");--> statement-breakpoint
CREATE INDEX "false_positives_subject_idx" ON "false_positives" USING btree ("tenant_id","subject_id");
