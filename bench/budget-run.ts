/**
 * `--budget` of the local and remote benchmarks: runs bench/budget.bench.ts after them (its own
 * builds, trees and daemon, tmpfs) for their small-file workloads, output inherited.
 */
import { join } from "node:path";

export async function runBudget(files: number, cells: readonly string[]): Promise<number> {
  const argv = [process.execPath, join(import.meta.dir, "budget.bench.ts"), "--files", String(files), "--only", cells.join(",")];
  console.log(`\nper-file budget: bun bench/budget.bench.ts --files ${files} --only ${cells.join(",")}`);
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "inherit", stderr: "inherit" });
  return proc.exited;
}
