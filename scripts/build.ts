/**
 * `bun run build`: writes ONE single-file executable, dist/blit, that is `blit`, `blit-daemon` or
 * `blit-utils` by the name it is invoked as (src/apps/multicall/main.ts), and the symlinks
 * dist/blit-daemon and dist/blit-utils pointing at it (SPEC §1): a release is one file. Built with
 * the release flags known to work (STACK.md: plain --bytecode without --format=esm crashes).
 *
 * Workers: Bun's --compile bundles a Worker only when its file is an extra entry point (Bun docs,
 * "Single-file executable" > "Worker"), so every `src/adapters/<tech>/*-worker.ts` is added to each
 * program. Inside the executable the main module's URL is `/$bunfs/root/<program>` and an extra
 * entry point sits at its path relative to `--root` (measured with Bun 1.4.5); with
 * `--root=src/adapters` an adapter finds its worker at `new URL("./<tech>/<name>-worker.ts",
 * import.meta.url)` when compiled and next to itself when run from source.
 * Hence: name worker files `<something>-worker.ts` and keep them directly in their adapter's folder.
 * After building, a smoke run checks `--version` under each name, a `blit copy` large enough
 * to start the local store's workers, and that the compiled daemon (with its embedded .proto)
 * prints its ready line and answers `blit-utils ls`.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

const ROOT = resolve(import.meta.dir, "..");
const ENTRY = "src/apps/multicall/main.ts";
const EXECUTABLE = "blit";
/** The names the executable answers to; every one but EXECUTABLE is a symlink to it in dist/. */
const PROGRAMS = [{ name: "blit" }, { name: "blit-daemon" }, { name: "blit-utils" }] as const;
const FLAGS = ["--compile", "--minify", "--bytecode", "--format=esm", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
/**
 * `--bench-unverified`: the benchmark's comparison build, in dist-unverified/, with end-to-end
 * file verification compiled out (to measure its cost; never shipped, no setting does this).
 */
const UNVERIFIED = process.argv.includes("--bench-unverified");
/**
 * `--bench-profile`: the release build plus external source maps, in dist-profile/, so the per-file
 * budget (bench/budget.bench.ts) can name the source file of each CPU-profile sample.
 */
const PROFILE = process.argv.includes("--bench-profile");
const DIST = UNVERIFIED ? "dist-unverified" : PROFILE ? "dist-profile" : "dist";
if (UNVERIFIED) FLAGS.push("--define", "BLIT_BENCH_UNVERIFIED=true");
if (PROFILE) FLAGS.push("--sourcemap=external");

if (!(Bun.file(join(ROOT, ENTRY)).size > 0)) fail(`missing entry point ${ENTRY}`);

const WORKER_ROOT = "src/adapters";
const workers = [...new Bun.Glob("src/**/*-worker.ts").scanSync({ cwd: ROOT })].sort();
const misplaced = workers.filter((w) => dirname(dirname(w)) !== WORKER_ROOT);
if (misplaced.length > 0) fail(`worker files outside ${WORKER_ROOT}/<tech>/ (${misplaced.join(", ")}); a compiled program would not find them`);
const rootFlag = [`--root=${WORKER_ROOT}`];
mkdirSync(join(ROOT, DIST), { recursive: true });
for (const program of PROGRAMS) rmSync(join(ROOT, DIST, program.name), { force: true });
const outfile = join(DIST, EXECUTABLE);
const argv = [process.execPath, "build", ...FLAGS, ...rootFlag, ENTRY, ...workers, "--outfile", outfile];
console.log(`$ bun ${argv.slice(1).join(" ")}`);
const started = performance.now();
const proc = Bun.spawnSync(argv, { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
if (proc.exitCode !== 0) fail(`bun build of ${EXECUTABLE} exited ${proc.exitCode}`);
console.log(`built ${outfile} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const program of PROGRAMS.filter((p) => p.name !== EXECUTABLE)) {
  symlinkSync(EXECUTABLE, join(ROOT, DIST, program.name));
  console.log(`linked ${DIST}/${program.name} -> ${EXECUTABLE}`);
}
try {
  await smokeTest();
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
console.log("build: ok");

// --- internal ---

async function smokeTest(): Promise<void> {
  for (const program of PROGRAMS) {
    const out = run([join(ROOT, DIST, program.name), "--version"]);
    if (out.trim() !== pkg.version) throw new Error(`${DIST}/${program.name} --version printed "${out.trim()}", expected ${pkg.version}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "blit-build-"));
  try {
    // Enough files that the local store leaves its inline budget and starts its workers.
    for (let i = 0; i < 200; i++) {
      mkdirSync(join(dir, "src", `d${i % 10}`), { recursive: true });
      writeFileSync(join(dir, "src", `d${i % 10}`, `f${i}.txt`), `file ${i}\n`);
    }
    run([join(ROOT, DIST, "blit"), "copy", `${join(dir, "src")}/`, `${join(dir, "dst")}/`, "--yes"]);
    const copied = readFileSync(join(dir, "dst", "d9", "f199.txt"), "utf8");
    if (copied !== "file 199\n") throw new Error("dist/blit copy did not reproduce the source tree");
    await smokeDaemon(join(dir, "dst"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts dist/blit-daemon on a free port exporting `root`, lists it with dist/blit-utils, stops it. */
async function smokeDaemon(root: string): Promise<void> {
  // Its TLS identity goes in a state directory of its own, and the listing pins it (SPEC §9).
  const stateDir = mkdtempSync(join(tmpdir(), "blit-build-state-"));
  const daemon = Bun.spawn([join(ROOT, DIST, "blit-daemon"), "--bind", "127.0.0.1", "--port", "0", "--no-mdns", "--root", root, "--state-dir", stateDir, "--log-level", "warn"], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const timer = setTimeout(() => daemon.kill("SIGKILL"), 20_000);
  try {
    const reader = daemon.stdout.getReader();
    let text = "";
    for (let i = 0; i < 1000 && !text.includes("\n"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const line = text.split("\n")[0] ?? "";
    const ready = JSON.parse(line || "{}") as { event?: string; control?: string; fingerprint?: string | null };
    if (ready.event !== "ready" || ready.control === undefined) throw new Error(`dist/blit-daemon printed "${line}" instead of its ready line`);
    const trust = typeof ready.fingerprint === "string" ? ["--pin", ready.fingerprint] : ["--no-tls"];
    const listing = run([join(ROOT, DIST, "blit-utils"), "ls", ...trust, `${ready.control}://d9/`]);
    if (!listing.includes("f199.txt")) throw new Error(`dist/blit-utils ls through dist/blit-daemon printed "${listing}"`);
  } finally {
    clearTimeout(timer);
    daemon.kill("SIGTERM");
    await daemon.exited;
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function run(argv: string[]): string {
  const proc = Bun.spawnSync(argv, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${proc.exitCode}: ${proc.stderr.toString().trim()}`);
  return proc.stdout.toString();
}

function fail(message: string): never {
  console.error(`build: ${message}`);
  process.exit(1);
}
