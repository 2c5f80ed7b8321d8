// SPEC §7: `blit-utils completions bash` prints a static script; sourced in bash, its completion
// function completes verbs, flags and — through CompletePath on a real daemon — modules and paths.
import { expect, test } from "bun:test";
import { dirname } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit } from "../harness/run-cli.ts";
import { runUtils, UTILS } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

/**
 * COMPREPLY after calling `fn` as bash does for the line `words` with the cursor at its end
 * (COMP_LINE, COMP_POINT; bash's COMP_WORDS split at ':' too). Readline replaces only the text
 * after the word's last ':', so the replies are that part of each candidate.
 */
async function complete(script: string, fn: string, words: readonly string[]): Promise<string[]> {
  const line = words.join(" ");
  const program = `${script}\nCOMP_LINE='${line}'; COMP_POINT=${line.length}; COMP_WORDS=(${words.slice(0, -1).join(" ")} '${words.at(-1)}'); COMP_CWORD=${words.length - 1}; ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const proc = Bun.spawn(["bash", "--norc", "--noprofile", "-c", program], {
    env: { ...process.env, PATH: `${dirname(UTILS)}:${process.env.PATH ?? ""}` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bash exited ${code}: ${err}`);
  return out.split("\n").filter((l) => l !== "");
}

test("bash completion: verbs, flags, modules and remote paths", async () => {
  using dir = makeTempDir("complete");
  writeTree(dir.path, { "m/photos/a.jpg": "a", "m/photo.txt": "p", "m/other": "o" });
  await using daemon = await startDaemon({ modules: { media: { path: `${dir.path}/m` }, music: { path: dir.path } } });
  const script = await runUtils(["completions", "bash"]);
  expectExit(script, 0);
  const c = daemon.control;
  const afterColon = (word: string) => word.slice(word.lastIndexOf(":") + 1);
  expect(await complete(script.stdout, "_blit_utils_complete", ["blit-utils", "f"])).toEqual(["find"]);
  expect(await complete(script.stdout, "_blit_utils_complete", ["blit-utils", "find", "--f"])).toEqual(["--files"]);
  expect(await complete(script.stdout, "_blit_utils_complete", ["blit-utils", "ls", `${c}:/m`])).toEqual([`${c}:/media/`, `${c}:/music/`].map(afterColon));
  expect(await complete(script.stdout, "_blit_utils_complete", ["blit-utils", "ls", `${c}:/media/pho`])).toEqual([`${c}:/media/photo.txt`, `${c}:/media/photos/`].map(afterColon));
  expect(await complete(script.stdout, "_blit_utils_complete", ["blit-utils", "ls", `${c}:/media/photos/`])).toEqual([afterColon(`${c}:/media/photos/a.jpg`)]);
  expect(await complete(script.stdout, "_blit_complete", ["blit", "copy", `${c}:/media/o`])).toEqual([afterColon(`${c}:/media/other`)]);
  expect(await complete(script.stdout, "_blit_complete", ["blit", "mi"])).toEqual(["mirror"]);
}, 60_000);

test("zsh and fish scripts are printed; an unknown shell is exit 2", async () => {
  const [zsh, fish, bad] = await Promise.all([runUtils(["completions", "zsh"]), runUtils(["completions", "fish"]), runUtils(["completions", "tcsh"])]);
  expectExit(zsh, 0);
  expectExit(fish, 0);
  expectExit(bad, 2);
  expect(zsh.stdout).toContain("compdef _blit blit blit-utils");
  expect(fish.stdout).toContain("blit-utils __complete");
}, 30_000);
