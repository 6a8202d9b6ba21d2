"""Background jobs as people see them (后台任务): the administrator's list of pending, running and failed jobs with
the failure reason, and the progress page of a job for the user who started it. The jobs themselves are
``core.jobs`` (the run rows) and ``core.queue`` (procrastinate on PostgreSQL); each area registers its own."""
