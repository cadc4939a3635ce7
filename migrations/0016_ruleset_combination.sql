-- How a ruleset combines its hits (issue 18): NULL is the additive points every ruleset published
-- before this column had, so those replay exactly as they were.
ALTER TABLE "rulesets" ADD COLUMN "combination" jsonb;
