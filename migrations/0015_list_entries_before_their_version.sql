-- An import streams a large file's entries to the database in batches and writes the version row
-- (its counts, digest and files, known only once every entry has been read) after them, in the
-- same transaction: list versions are never updated, so the row is written once, whole. The
-- entries' reference to it is checked at commit in that transaction (SET CONSTRAINTS ... DEFERRED)
-- and, as before, at each statement everywhere else.
ALTER TABLE "list_entries" ALTER CONSTRAINT "list_entries_list_version_id_list_versions_id_fk" DEFERRABLE INITIALLY IMMEDIATE;
