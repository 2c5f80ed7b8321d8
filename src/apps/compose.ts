/**
 * The composition root: the only module of src/apps that imports adapters. Builds the engine's
 * dependencies for the CLI (and later the daemon).
 */
import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, basename, join } from "node:path";
import { planDirectory } from "../domain/plan.ts";
import type { Planner } from "../ports/planner.ts";
import type { Reporter } from "../ports/reporter.ts";
import { LocalStore } from "../adapters/local/index.ts";
import type { EngineDeps } from "./engine/engine-deps.ts";
import type { Confirm } from "./engine/transfer-request.ts";

export interface EngineDepsOptions {
  readonly reporter: Reporter;
  readonly confirm: Confirm | null;
  readonly signal: AbortSignal;
  readonly maxThreads: number | null;
}

const PLANNER = { planDirectory } satisfies Planner;

export function createEngineDeps(opts: EngineDepsOptions): EngineDeps {
  return {
    reporter: opts.reporter,
    confirm: opts.confirm,
    signal: opts.signal,
    planner: PLANNER,
    home: homedir(),
    cwd: process.cwd(),
    openStore: (root, role) => new LocalStore({ root, cleanTemporaries: role === "destination", maxThreads: opts.maxThreads }),
    canonicalPath,
    now: () => performance.now(),
  };
}

/** Resolves symlinks in the existing part of an absolute path; the missing tail is kept as is. */
function canonicalPath(abs: string): string {
  let head = abs;
  const tail: string[] = [];
  for (let i = 0; i < 4096; i++) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return abs;
      tail.push(basename(head));
      head = parent;
    }
  }
  return abs;
}
