DROP INDEX "background_jobs_pending_run_at_idx";--> statement-breakpoint
DROP INDEX "background_jobs_limited_pending_idx";--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "cancel_key" text;--> statement-breakpoint
CREATE INDEX "background_jobs_pending_priority_idx" ON "background_jobs" USING btree ("priority" DESC NULLS FIRST,"run_at","id") WHERE "background_jobs"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "background_jobs_cancel_key_idx" ON "background_jobs" USING btree ("job_id","cancel_key") WHERE "background_jobs"."status" = 'PENDING' and "background_jobs"."cancel_key" is not null;--> statement-breakpoint
CREATE INDEX "background_jobs_limited_pending_idx" ON "background_jobs" USING btree ("job_id","priority" DESC NULLS FIRST,"run_at","id") WHERE "background_jobs"."status" = 'PENDING' and "background_jobs"."concurrency_key" is not null;