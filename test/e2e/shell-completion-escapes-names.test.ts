// Issue 15 (completion): in bash, zsh and fish — real interactive shells on a pseudo-terminal,
// Tab pressed — local and remote names with spaces and shell specials complete to ONE word that
// means the name (escaped by us in bash, by the shell in zsh and fish), directories end in '/',
// and remote names come from a real daemon (CompletePath), `My Album/` included.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { dirname } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { BLIT, expectExit } from "../harness/run-cli.ts";
import { runUtils, UTILS } from "../harness/run-utils.ts";
import { startShell, type ShellName } from "../harness/shell-pty.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const dir = makeTempDir("complete-names");
let daemon: RunningDaemon;

beforeAll(async () => {
  writeTree(`${dir.path}/here`, {
    "My Album/photo 1.jpg": "p",
    "file spaces.txt": "f",
    "it's $x.txt": "q",
    "plain/a": "a",
  });
  writeTree(`${dir.path}/served`, { "My Album/cover art.png": "c", "notes & more.txt": "n" });
  daemon = await startDaemon({ modules: { media: { path: `${dir.path}/served` } } });
});

afterAll(async () => {
  await daemon[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

describe.each(["bash", "zsh", "fish"] as const)("%s", (shell: ShellName) => {
  test("Tab completes local and remote names with spaces and specials to one word, directories with /", async () => {
    const script = await runUtils(["completions", shell]);
    expectExit(script, 0);
    await using sh = await startShell(shell, { script: script.stdout, cwd: `${dir.path}/here`, path: [dirname(BLIT), dirname(UTILS)] });
    const c = daemon.control;
    const cases: [string, string[]][] = [
      ["blit copy My\t", ["blit", "copy", "My Album/"]],
      ["blit copy My\\ Album/ph\t", ["blit", "copy", "My Album/photo 1.jpg"]],
      ["blit copy fi\t", ["blit", "copy", "file spaces.txt"]],
      ["blit copy it\t", ["blit", "copy", "it's $x.txt"]],
      ["blit mirror pl\t", ["blit", "mirror", "plain/"]],
      [`blit copy ${c}:/me\t`, ["blit", "copy", `${c}:/media/`]],
      [`blit copy ${c}:/media/My\t`, ["blit", "copy", `${c}:/media/My Album/`]],
      [`blit copy ${c}:/media/My\\ Album/co\t`, ["blit", "copy", `${c}:/media/My Album/cover art.png`]],
      [`blit-utils ls ${c}:/media/no\t`, ["blit-utils", "ls", `${c}:/media/notes & more.txt`]],
    ];
    if (shell === "bash") {
      // Inside an open quote the name goes in unescaped, and the quote is closed.
      cases.push(["blit copy 'My\t", ["blit", "copy", "My Album/"]], [`blit copy "${c}:/media/My\t`, ["blit", "copy", `${c}:/media/My Album/`]]);
    }
    const got: [string, string[]][] = [];
    for (const [typed] of cases) got.push([typed, await sh.complete(typed)]);
    expect(got).toEqual(cases);
  }, 120_000);
});
