ALTER TABLE "background_jobs" DROP CONSTRAINT "background_jobs_status_check";--> statement-breakpoint
ALTER TABLE "background_job_tasks" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "background_job_tasks" ADD COLUMN "duration_ms" integer;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "result" jsonb;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "attempt_history" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
ALTER TABLE "background_jobs" ADD CONSTRAINT "background_jobs_status_check" CHECK ("background_jobs"."status" in ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'));