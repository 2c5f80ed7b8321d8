/**
 * Running the real `blit-utils` (`bin/blit-utils`) in a child process, as run-cli.ts runs `blit`.
 * - `runUtils(args, options)`: `{ stdout, stderr, exitCode, json }`.
 * - `UTILS`: the launcher's path (`BLIT_UTILS_E2E_BIN` overrides it).
 */
import { resolve } from "node:path";
import { REPO_ROOT, runProgram, type CliResult, type RunOptions } from "./run-cli.ts";

export const UTILS = process.env.BLIT_UTILS_E2E_BIN ?? resolve(REPO_ROOT, "bin/blit-utils");

/** Runs `blit-utils ...args` to completion. */
export const runUtils = (args: readonly string[], options: RunOptions = {}): Promise<CliResult> => runProgram(UTILS, args, options);
