/**
 * The real engine use cases (src/apps/engine/transfer.ts, check.ts) over MemoryStores, in this
 * process: no daemons, no disk. Local endpoint paths (`/src/`, `/dst`) name places in one MemoryTree.
 */
import { MemoryStore, MemoryTree } from "../../src/adapters/memory/index.ts";
import { BlitError } from "../../src/domain/errors.ts";
import { NO_FILTER_OPTIONS, type FilterRule } from "../../src/domain/filter.ts";
import { planDirectory } from "../../src/domain/plan.ts";
import type { TransferSummary } from "../../src/domain/summary.ts";
import type { EngineDeps } from "../../src/apps/engine/engine-deps.ts";
import { runCheck } from "../../src/apps/engine/check.ts";
import { runTransfer } from "../../src/apps/engine/transfer.ts";
import type { CheckReport, TransferRequest } from "../../src/apps/engine/transfer-request.ts";

export { MemoryTree };

/** What a run told its reporter, and the questions it asked. */
export interface Told {
  readonly items: string[];
  readonly warnings: string[];
  readonly questions: string[];
}

export interface RunOptions {
  readonly dryRun?: boolean;
  readonly maxDelete?: number | null;
  readonly rules?: readonly FilterRule[];
  /** The answer to every question; null: --yes (nothing is asked). */
  readonly answer?: boolean | null;
  readonly compare?: TransferRequest["compare"];
  readonly ignoreExisting?: boolean;
}

/** Runs `verb source destination` on `tree`; the summary and what the run told. */
export async function runOn(tree: MemoryTree, verb: TransferRequest["verb"], source: string, destination: string, options: RunOptions = {}): Promise<{ summary: TransferSummary; told: Told }> {
  const told: Told = { items: [], warnings: [], questions: [] };
  const deps = memoryDeps(tree, told, options.answer ?? null);
  const req: TransferRequest = {
    verb,
    source,
    destination,
    compare: options.compare ?? "quick",
    ignoreExisting: options.ignoreExisting ?? false,
    filter: { ...NO_FILTER_OPTIONS, rules: options.rules ?? [] },
    dryRun: options.dryRun ?? false,
    maxDelete: options.maxDelete ?? null,
    resume: false,
    maxThreads: null,
  };
  return { summary: await runTransfer(req, deps), told };
}

/** Runs `blit check source destination` on `tree` (quick compare unless told). */
export function checkOn(tree: MemoryTree, source: string, destination: string, compare: TransferRequest["compare"] = "quick"): Promise<CheckReport> {
  const deps = memoryDeps(tree, { items: [], warnings: [], questions: [] }, null);
  return runCheck({ source, destination, compare, filter: NO_FILTER_OPTIONS }, deps);
}

/** Every path below `dir` of `tree`, sorted, directories with a trailing `/`. */
export function pathsOf(tree: MemoryTree, dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, rel: string) => {
    const n = tree.find(at);
    for (const [name, child] of n?.children ?? []) {
      const path = rel === "" ? name : `${rel}/${name}`;
      out.push(child.meta.kind === "dir" ? `${path}/` : path);
      if (child.meta.kind === "dir") walk(`${at}/${name}`, path);
    }
  };
  walk(dir, "");
  return out.sort();
}

// --- internal ---

function memoryDeps(tree: MemoryTree, told: Told, answer: boolean | null): EngineDeps {
  return {
    reporter: { progress() {}, item: (action, path) => void told.items.push(`${action} ${path}`), warn: (m) => void told.warnings.push(m) },
    confirm: answer === null ? null : async (q) => (told.questions.push(q), answer),
    signal: new AbortController().signal,
    planner: { planDirectory },
    openStore: (abs) => new MemoryStore(tree, abs),
    home: "/home",
    cwd: "/",
    canonicalPath: (abs) => abs,
    remoteStores: () => Promise.reject(new BlitError("USAGE", "no daemons in an in-memory run")),
    now: () => performance.now(),
  };
}
