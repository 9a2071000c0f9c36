DROP INDEX "background_jobs_completed_at_idx";--> statement-breakpoint
CREATE INDEX "background_jobs_finished_idx" ON "background_jobs" USING btree ("completed_at") WHERE "background_jobs"."status" in ('COMPLETED', 'FAILED', 'CANCELLED');--> statement-breakpoint
CREATE INDEX "background_jobs_failed_idx" ON "background_jobs" USING btree ("id") WHERE "background_jobs"."status" = 'FAILED';--> statement-breakpoint
-- FAILED jobs now record when they finished (completed_at); give the ones failed before this migration their last update.
UPDATE "background_jobs" SET "completed_at" = "updated_at" WHERE "status" = 'FAILED' AND "completed_at" IS NULL;
