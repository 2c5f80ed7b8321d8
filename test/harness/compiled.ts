/**
 * The release build (`bun run build` → dist/blit and its links dist/blit-daemon, dist/blit-utils),
 * made once per test process for the packaging tests that run the compiled program.
 * - `buildRelease()`: runs the build (with its own smoke test) the first time, then resolves with
 *   the paths; a failed build rejects with its output.
 */
import { resolve } from "node:path";
import { REPO_ROOT } from "./run-cli.ts";

export interface Release {
  readonly dist: string;
  readonly blit: string;
  readonly daemon: string;
  readonly utils: string;
}

let built: Promise<Release> | undefined;

export function buildRelease(): Promise<Release> {
  built ??= (async () => {
    const proc = Bun.spawn([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw new Error(`bun run build exited ${code}\n${out}${err}`);
    const dist = resolve(REPO_ROOT, "dist");
    return { dist, blit: resolve(dist, "blit"), daemon: resolve(dist, "blit-daemon"), utils: resolve(dist, "blit-utils") };
  })();
  return built;
}
