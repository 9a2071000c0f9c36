CREATE TABLE "background_job_stats" (
	"hour" timestamp with time zone NOT NULL,
	"job_id" text NOT NULL,
	"completed" integer NOT NULL,
	"failed" integer NOT NULL,
	"retried" integer NOT NULL,
	"duration_sum_ms" double precision NOT NULL,
	"duration_count" integer NOT NULL,
	"duration_histogram" jsonb NOT NULL,
	CONSTRAINT "background_job_stats_hour_job_id_pk" PRIMARY KEY("hour","job_id")
);
--> statement-breakpoint
CREATE TABLE "background_job_stats_progress" (
	"id" integer PRIMARY KEY NOT NULL,
	"rolled_up_to" timestamp with time zone NOT NULL,
	CONSTRAINT "background_job_stats_progress_one_row" CHECK ("background_job_stats_progress"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "background_jobs_cancelled_idx" ON "background_jobs" USING btree ("id") WHERE "background_jobs"."status" = 'CANCELLED';