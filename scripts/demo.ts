/**
 * `bun run demo`: the main job on an embedded default. Generates a sample tree in a temporary
 * directory, then runs the real `bin/blit` on it — copy, an incremental copy, mirror (with
 * deletions), check and move — printing each command and its summary. Removes everything it made.
 * Exits non-zero when a step does not end as expected.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BLIT = resolve(import.meta.dir, "../bin/blit");
const DIRS = 40;
const FILES_PER_DIR = 50;
const LARGE_FILE_BYTES = 64 << 20;

const work = mkdtempSync(join(tmpdir(), "blit-demo-"));
let failed = false;
try {
  const sample = join(work, "sample");
  const files = makeSample(sample);
  console.log(`blit demo in ${work}`);
  console.log(`sample tree: ${files} files in ${DIRS} directories, one ${LARGE_FILE_BYTES >> 20} MiB file, a symlink, an empty directory\n`);
  await step("copy a tree (the contents of sample/ into backup)", ["copy", `${sample}/`, join(work, "backup")], 0);
  await step("copy again: nothing changed, nothing is sent", ["copy", `${sample}/`, join(work, "backup")], 0);
  changeSample(sample);
  await step("mirror after 5 edits, 5 additions and 5 removals: only those move, extras are deleted", ["mirror", "--yes", `${sample}/`, join(work, "backup")], 0);
  await step("check: the trees are identical (by content with -c)", ["check", "-c", `${sample}/`, join(work, "backup")], 0);
  await step("move backup to archive: copied, made durable, then the source removed", ["move", "--yes", join(work, "backup"), join(work, "archive")], 0);
  await step("a bad endpoint is refused with the rule and an example (exit 2)", ["copy", "host:/module", join(work, "x")], 2);
  console.log("Remote transfers (push, pull, remote to remote through blit-daemon) join this demo when they land.");
} catch (e) {
  failed = true;
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** Runs `blit ...args`, prints the command and what it printed, and checks its exit code. */
async function step(title: string, args: string[], expectedExit: number): Promise<void> {
  console.log(`# ${title}`);
  console.log(`$ blit ${args.map((a) => a.replace(work, "$DEMO")).join(" ")}`);
  const proc = Bun.spawn([BLIT, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const shown = `${out}${err}`.replaceAll(work, "$DEMO").trimEnd();
  console.log(shown === "" ? "(no output)" : shown);
  console.log(`(exit ${code})\n`);
  if (code !== expectedExit) throw new Error(`blit ${args[0]} exited ${code}, expected ${expectedExit}`);
}

function makeSample(root: string): number {
  let files = 0;
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, `dir${String(d).padStart(2, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) {
      writeFileSync(join(dir, `file${f}.txt`), `file ${f} of directory ${d}\n`.repeat(1 + ((d * 31 + f) % 64)));
      files++;
    }
  }
  const big = Buffer.alloc(LARGE_FILE_BYTES);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
  writeFileSync(join(root, "large.bin"), big);
  symlinkSync("dir00/file0.txt", join(root, "latest"));
  mkdirSync(join(root, "empty"));
  return files + 1;
}

function changeSample(root: string): void {
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(root, `dir0${i}`, "file1.txt"), `edited ${i}: a longer line than before\n`);
    writeFileSync(join(root, `dir1${i}`, `added${i}.txt`), `added ${i}\n`);
    unlinkSync(join(root, `dir2${i}`, "file2.txt"));
  }
}
