-- Other applicants sharing a key are read earliest first, at most 200 (lookups.repository.ts):
-- with created_at in the index PostgreSQL reads those 200 in order instead of every holder of
-- the key and sorting them, which grew with the size of a farm (issue 21). Same name, so the
-- index still serves every (tenant_id, key) lookup.
DROP INDEX "subject_link_keys_lookup_idx";--> statement-breakpoint
CREATE INDEX "subject_link_keys_lookup_idx" ON "subject_link_keys" USING btree ("tenant_id","key","created_at");
