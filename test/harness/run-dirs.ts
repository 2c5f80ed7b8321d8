// Preloaded for every `bun test` run (bunfig.toml): directories the harness makes once per test
// process (the programs' config home) are removed after the last test file, so runs leave nothing
// in the temporary directory. bun test runs no process "exit" handlers; a preload's afterAll runs last.
// Outside bun test (a benchmark starting harness daemons) afterAll throws; the process's exit removes them there.
import { afterAll } from "bun:test";
import { rmSync } from "node:fs";

const dirs: string[] = [];

/** Removes `dir` (recursively) when the whole test run ends. */
export function removeAtRunEnd(dir: string): void {
  dirs.push(dir);
}

const removeAll = (): void => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

try {
  afterAll(removeAll);
} catch {
  process.once("exit", removeAll);
}
