DROP INDEX "background_jobs_processing_lease_idx";--> statement-breakpoint
DROP INDEX "background_jobs_dedupe_key_key";--> statement-breakpoint
CREATE UNIQUE INDEX "background_jobs_dedupe_key_key" ON "background_jobs" USING btree ("dedupe_key") WHERE "background_jobs"."dedupe_key" is not null;