/** Worker entry: runs local filesystem jobs posted by worker-pool.ts, one message per job. */
import { isBlitError } from "../../domain/errors.ts";
import { runJob, type Job } from "./fs-jobs.ts";
import { toBlitError, toWireError } from "./to-blit-error.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ id: number; job: Job }>) => {
  const { id, job } = event.data;
  try {
    self.postMessage({ id, ok: runJob(job) });
  } catch (e) {
    const err = isBlitError(e) ? e : toBlitError(e, "abs" in job ? job.abs : "", "process");
    self.postMessage({ id, err: toWireError(err) });
  }
};
