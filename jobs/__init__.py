"""Background jobs: the base every kind of job builds on (see `jobs.models`), the one way to
queue a task (`jobs.dispatch`) and the progress endpoint of the waiting pages (`jobs.views`)."""
