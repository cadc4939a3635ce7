-- A new applicant's screening that opens a case is written by the batch statement too (see
-- src/db/decision-chain.ts). Two helpers for it.

-- Ids for the webhook deliveries the statement queues (one per subscribed webhook, so the
-- service cannot know how many to make): UUIDv7 like every other id here (time-ordered, random
-- tail). PostgreSQL 15 has no uuidv7(): a random UUID whose first 48 bits become the Unix time in
-- milliseconds and whose version nibble becomes 7 (bits 52-53 turn 0100 into 0111).
CREATE OR REPLACE FUNCTION redflag_uuidv7() RETURNS uuid
LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;
--> statement-breakpoint

-- A case-opening screening is batched only for an applicant the service has not seen: then it
-- needs no false-positive memory, no lock on the subject and no search for an open case. If the
-- subject appeared in between (the same externalRef screened twice at once), the statement must
-- undo itself; this code tells the service to write that screening in a transaction instead.
CREATE OR REPLACE FUNCTION redflag_require_new_subjects(all_new boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT all_new THEN
    RAISE EXCEPTION 'a subject screened as new already existed; write the screening again' USING ERRCODE = 'RF001';
  END IF;
  RETURN true;
END;
$$;
