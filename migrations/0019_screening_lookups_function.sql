-- The lookups screenings make (lookups.repository.ts) as a function whose plan PostgreSQL keeps.
-- Sent as a prepared statement, the lookup was planned again at every execution: its cost
-- estimate with the arrays' real lengths always came out below the generic plan's, so PostgreSQL
-- never switched to the generic plan, and planning took about 0.3-0.5 ms for 0.1-0.25 ms of work
-- (issue 21). Every step is an index lookup by its inputs, so one generic plan serves every
-- screening; `plan_cache_mode` is set for this function only. One statement for one subject or
-- many (concurrent screenings, monitoring re-screens): each row of p_subjects is one subject's
-- inputs, answered in `i` order. A row: the subject by "externalRef" when set, else by
-- "subjectId" / "previousDecisionId"; list identifiers as (kinds, values) pairs; other
-- applicants' link keys `keys`, only those recorded before chain position "beforeSequence" (a
-- replay; null: all), at most p_limit rows and at most "linkedPerKey" per key and kind (null: no
-- bound).
CREATE OR REPLACE FUNCTION redflag_screening_lookups(p_tenant uuid, p_version_ids uuid[], p_subjects json, p_limit int)
RETURNS TABLE (i int, identifiers json, linked json, previous json, known boolean)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  select q.i, a.identifiers, a.linked, a.previous, a.known
  from json_to_recordset(p_subjects) as q(i int, "externalRef" text, "subjectId" uuid, "previousDecisionId" uuid, kinds text[], "values" text[], keys text[], "beforeSequence" bigint, "linkedPerKey" int)
  cross join lateral (
        with me as (
          select id, last_decision_id from subjects where q."externalRef" is not null and tenant_id = p_tenant and external_ref = q."externalRef"
          union all
          select q."subjectId", q."previousDecisionId" where q."externalRef" is null and (q."subjectId" is not null or q."previousDecisionId" is not null)
        )
        select
          (select coalesce(json_agg(m), '[]'::json) from (
            select li.kind, li.normalized, e.id as "entryId", e.source, e.source_id as "sourceId", e.name, e.type, e.data
            from list_identifiers li join list_entries e on e.id = li.entry_id
            where li.list_version_id = any(p_version_ids)
              and (li.kind, li.normalized) in (select * from unnest(q.kinds, q."values"))) m) as identifiers,
          -- Earliest first, as the rules read them: by the millisecond (all a stored time carries to
          -- JavaScript, and what replays of older decisions sorted by), then by the subject and key the
          -- rows were taken in. Each row a [key, kind, externalRef, name] array: this is the biggest
          -- answer a screening gets (a farm's 200 holders), parsed on every flagged screening. With a
          -- per-key bound, only the earliest that many of each key and kind, and [key, kind] of each
          -- group that had more ("cut").
          (select json_build_object(
              'holders', coalesce(json_agg(json_build_array(l.key, l.kind, coalesce(l.external_ref, 'subject:' || l.subject_id), l.name_key) order by l.at, l.subject_id, l.key)
                filter (where q."linkedPerKey" is null or l.rank <= q."linkedPerKey"), '[]'::json),
              'cut', coalesce(json_agg(json_build_array(l.key, l.kind)) filter (where l.rank = q."linkedPerKey" + 1), '[]'::json))
            from (
            select f.*, date_trunc('milliseconds', f.created_at) as at,
              row_number() over (partition by f.key, f.kind order by date_trunc('milliseconds', f.created_at), f.subject_id) as rank
            from (
            select distinct on (k.subject_id, k.key) k.key, k.kind, k.subject_id, s.external_ref, k.name_key, k.created_at
            from unnest(q.keys) as wanted(key)
            -- Key by key through the (tenant, key) index, whatever the statistics said when the plan
            -- was cached: the limit keeps PostgreSQL from turning this into one scan of every key.
            cross join lateral (
              select * from subject_link_keys k
              where k.tenant_id = p_tenant and k.key = wanted.key and k.subject_id is distinct from (select id from me)
                -- Chain order, not time: decisions may share a millisecond.
                -- (A lookup by the decision's key per row: an EXISTS here became a hash of every earlier decision.)
                and (q."beforeSequence" is null or (select d.sequence from decisions d where d.id = k.decision_id) < q."beforeSequence")
              order by k.created_at
              limit p_limit) k
            join subjects s on s.id = k.subject_id
            order by k.subject_id, k.key, k.created_at
            limit p_limit) f) l) as linked,
          (select case when (select last_decision_id from me) is null then null else coalesce(json_agg(p), '[]'::json) end from (
            select kind, key, field, display from subject_link_keys where decision_id = (select last_decision_id from me)) p) as previous,
          exists (select 1 from me) as known
  ) a
  order by q.i;
END
$$;
