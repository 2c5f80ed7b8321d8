/** Worker entry: runs local filesystem jobs posted by worker-pool.ts, one message per job. */
import { isBlitError } from "../../domain/errors.ts";
import { runJob, type Job } from "./fs-jobs.ts";
import { toBlitError, toWireError } from "./to-blit-error.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ id: number; job: Job }>) => {
  const { id, job } = event.data;
  try {
    const ok = runJob(job);
    // Whole-file reads hand their buffer back without a copy.
    const moved = ok !== null && typeof ok === "object" && "kind" in ok && ok.kind === "whole" ? [ok.buffer] : [];
    self.postMessage({ id, ok }, moved);
  } catch (e) {
    const err = isBlitError(e) ? e : toBlitError(e, "abs" in job ? job.abs : "", "process");
    self.postMessage({ id, err: toWireError(err) });
  }
};
