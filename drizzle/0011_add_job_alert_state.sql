CREATE TABLE "job_alert_state" (
	"key" text PRIMARY KEY NOT NULL,
	"breaches" text[] DEFAULT '{}'::text[] NOT NULL,
	"transitions" bigint DEFAULT 0 NOT NULL,
	"notified" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "users_admins_idx" ON "users" USING btree ("created_at") WHERE "users"."role" = 'ADMIN';