CREATE TABLE "background_job_rate_log" (
	"job_id" text NOT NULL,
	"kind" text NOT NULL,
	"rate_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "background_job_rate_log_lookup_idx" ON "background_job_rate_log" USING btree ("job_id","kind","rate_key","at");