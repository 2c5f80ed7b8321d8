/** Worker entry: runs local filesystem jobs posted by worker-pool.ts, one message per job. */
import { isBlitError } from "../../domain/errors.ts";
import { runJob, type Job } from "./fs-jobs.ts";
import { toBlitError, toWireError } from "./to-blit-error.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ id: number; job: Job }>) => {
  const { id, job } = event.data;
  try {
    const ok = runJob(job);
    // Whole-file reads hand their buffer over without a copy; a write of bytes sent here gives
    // its buffer back for the next batch (fresh memory costs page faults, reused memory does not).
    const moved = ok !== null && typeof ok === "object" && "kind" in ok && ok.kind === "whole" ? [ok.buffer] : [];
    const back = job.op === "write" ? job.jobs.find((j) => j.data !== undefined)?.data?.buffer : undefined;
    if (back instanceof ArrayBuffer) moved.push(back);
    self.postMessage({ id, ok, back }, moved);
  } catch (e) {
    const err = isBlitError(e) ? e : toBlitError(e, "abs" in job ? job.abs : "", "process");
    self.postMessage({ id, err: toWireError(err) });
  }
};
