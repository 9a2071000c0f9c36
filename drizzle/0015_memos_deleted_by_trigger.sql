ALTER TABLE "background_job_tasks" DROP CONSTRAINT "background_job_tasks_job_id_background_jobs_id_fk";
--> statement-breakpoint
-- What ON DELETE CASCADE did, without the foreign key's check on every memo insert: one statement-level trigger
-- deletes the memos of all jobs a statement deleted (retention, prune, or an operator's DELETE by hand).
CREATE FUNCTION "background_job_tasks_delete_for_jobs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "background_job_tasks" t USING "deleted_jobs" d WHERE t."job_id" = d."id";
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "background_jobs_delete_memos" AFTER DELETE ON "background_jobs"
  REFERENCING OLD TABLE AS "deleted_jobs" FOR EACH STATEMENT EXECUTE FUNCTION "background_job_tasks_delete_for_jobs"();
