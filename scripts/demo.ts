/**
 * `bun run demo`: the main job on an embedded default. Generates a sample tree in a temporary
 * directory, then runs the real `bin/blit` on it — copy, an incremental copy, mirror (with
 * deletions), check and move — then starts `bin/blit-daemon` on loopback (port 0, --no-mdns, a
 * temporary config with a writable and a read-only module) and runs push, pull, mirror, move,
 * remote→remote, list and a refused write through it, printing each command and its summary.
 * Stops the daemon by its PID, removes everything it made. Exits non-zero when a step does not
 * end as expected.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BLIT = resolve(import.meta.dir, "../bin/blit");
const DAEMON = resolve(import.meta.dir, "../bin/blit-daemon");
const READY_TIMEOUT_MS = 20_000;
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
  await remoteDemo(sample);
} catch (e) {
  failed = true;
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** The same verbs through a daemon on loopback: push, pull, mirror, move, remote→remote, list, a refused write. */
async function remoteDemo(sample: string): Promise<void> {
  const [store, archive] = [join(work, "module-store"), join(work, "module-archive")];
  mkdirSync(store);
  for (const [name, text] of [["2024/report.txt", "annual report\n"], ["2024/notes.md", "# notes\n"], ["readme.txt", "the archive\n"]] as const) {
    mkdirSync(join(archive, name, ".."), { recursive: true });
    writeFileSync(join(archive, name), text);
  }
  const config = join(work, "blit-daemon.toml");
  writeFileSync(config, `[daemon]\nmotd = "blit demo daemon"\n\n[[module]]\nname = "store"\npath = "${store}"\ncomment = "writable"\n\n[[module]]\nname = "archive"\npath = "${archive}"\ncomment = "read-only"\nread_only = true\n`);
  console.log(`# start blit-daemon on loopback: port 0 (the kernel picks one), no mDNS, modules store (writable) and archive (read-only)`);
  console.log(`$ blit-daemon --config $DEMO/blit-daemon.toml --bind 127.0.0.1 --port 0 --no-mdns --state-dir $DEMO/state   (TLS 1.3, a self-signed identity made there)`);
  const daemon = Bun.spawn([DAEMON, "--config", config, "--bind", "127.0.0.1", "--port", "0", "--no-mdns", "--state-dir", join(work, "state")], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const logs = new Response(daemon.stderr).text();
  try {
    const ready = await readyLine(daemon);
    console.log(`${JSON.stringify(ready).replaceAll(work, "$DEMO")}\n`);
    const at = String(ready.control);
    await step("the daemon is unknown: without a terminal blit refuses, printing its fingerprint and the trust command (exit 4)", ["list", at], 4);
    await step("trust it, pinning the fingerprint from its ready line (blit-daemon fingerprint prints it too)", ["trust", at, "--pin", String(ready.fingerprint)], 0);
    await step("push: copy the sample into the store module", ["copy", `${sample}/`, `${at}:/store/sample/`], 0);
    await step("pull: copy it back from the daemon", ["copy", `${at}:/store/sample/`, join(work, "pulled")], 0);
    writeFileSync(join(sample, "dir30", "file1.txt"), "edited for the mirror\n");
    writeFileSync(join(sample, "dir31", "new.txt"), "new for the mirror\n");
    unlinkSync(join(sample, "dir32", "file3.txt"));
    await step("mirror push after 1 edit, 1 addition, 1 removal: only those move, the extra on the daemon is deleted", ["mirror", "--yes", `${sample}/`, `${at}:/store/sample/`], 0);
    await step("move pull: copy to here, make it durable, then remove it on the daemon", ["move", "--yes", `${at}:/store/sample/dir01`, join(work, "moved")], 0);
    await step("remote to remote: from the archive module to the store module (relayed by this machine)", ["copy", `${at}:/archive/`, `${at}:/store/from-archive/`], 0);
    await step("list the daemon's modules", ["list", at], 0);
    await step("a write to the read-only module is refused (exit 4)", ["copy", `${sample}/`, `${at}:/archive/new/`], 4);
  } finally {
    console.log(`# stop the daemon (SIGTERM to PID ${daemon.pid}): it finishes running calls and exits 0`);
    process.kill(daemon.pid, "SIGTERM");
    const code = await daemon.exited;
    console.log(`(exit ${code})\n`);
    if (code !== 0) throw new Error(`blit-daemon exited ${code}:\n${(await logs).replaceAll(work, "$DEMO")}`);
  }
}

/** The daemon's JSON ready line (its first stdout line), waited for with a bound. */
async function readyLine(proc: Bun.Subprocess<"ignore", "pipe", "pipe">): Promise<Record<string, unknown>> {
  const reader = proc.stdout.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`blit-daemon not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS)));
  try {
    let text = "";
    for (let i = 0; i < 1000 && !text.includes("\n"); i++) {
      const { value, done } = await Promise.race([reader.read(), late]);
      if (done) throw new Error(`blit-daemon exited (code ${await proc.exited}) before its ready line`);
      text += new TextDecoder().decode(value);
    }
    return JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Runs `blit ...args`, prints the command and what it printed, and checks its exit code. */
async function step(title: string, args: string[], expectedExit: number): Promise<void> {
  console.log(`# ${title}`);
  console.log(`$ blit ${args.map((a) => a.replace(work, "$DEMO")).join(" ")}`);
  const proc = Bun.spawn([BLIT, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1", XDG_CONFIG_HOME: join(work, "config") } });
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
