/** A directory pass's result as it crosses back from the thread that ran it (fs-pass.ts) to the port's form. */
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { DirectoryPass } from "../../ports/directory-pass.ts";
import type { PassResult } from "./fs-pass.ts";
import { toOpResult } from "./item-result.ts";
import { fromWireError } from "./to-blit-error.ts";

/** The DirectoryPass of `r`, the pass of directory `dir` (results named by their paths in the store). */
export function toDirectoryPass(dir: RelPath, r: PassResult): DirectoryPass {
  return {
    ...(r.sourceError === undefined ? {} : { sourceError: fromWireError(r.sourceError) }),
    ...(r.destError === undefined ? {} : { destError: fromWireError(r.destError) }),
    sourceFailures: r.sourceFailures.map((f) => ({ name: f.name, error: fromWireError(f.error) })),
    destDirs: r.destDirs,
    plan: r.plan,
    skippedLeaves: r.skippedLeaves,
    written: r.written.map((w) => ({ entry: w.entry, result: toOpResult(joinRel(dir, w.entry.name), w.result) })),
  };
}
