// Issue 15 (completion): for every visible verb of blit and blit-utils, bash (compgen through the
// registered function), fish (complete -C) and zsh (its list of choices in a real terminal) offer
// exactly the long flags that verb's --help shows: never a hidden one (--ludicrous-speed), and a
// switch that is on by default in the spelling users type (`blit scan --no-mdns`, not --mdns).
import { expect, test } from "bun:test";
import { dirname } from "node:path";
import { BLIT, expectExit, runCli, type CliResult } from "../harness/run-cli.ts";
import { runUtils, UTILS } from "../harness/run-utils.ts";
import { startShell } from "../harness/shell-pty.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

type Program = "blit" | "blit-utils";
const run = (program: Program, args: string[]): Promise<CliResult> => (program === "blit" ? runCli(args) : runUtils(args));

/** The verbs a program's --help lists under "Commands:". */
async function verbsOf(program: Program): Promise<string[]> {
  const help = await run(program, ["--help"]);
  expectExit(help, 0);
  const section = help.stdout.split("Commands:\n")[1]?.split("\n\n")[0] ?? "";
  return section.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").filter((v) => v !== "");
}

/** The long flags `program verb --help` shows, sorted. */
async function helpFlags(program: Program, verb: string): Promise<string[]> {
  const help = await run(program, [verb, "--help"]);
  expectExit(help, 0);
  const flags = help.stdout.split("\n").flatMap((l) => /^\s+(?:-\w, )?\s*(--[a-z][\w-]*)/.exec(l)?.[1] ?? []);
  return [...new Set(flags)].sort();
}

async function bashFlags(script: string, line: string): Promise<string[]> {
  const program = [
    script,
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; read -ra COMP_WORDS <<<"$COMP_LINE"; COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))`,
    `fn=$(complete -p ${line.split(" ")[0]}); fn=\${fn#*-F }; fn=\${fn%% *}; "$fn"; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n");
  const proc = Bun.spawnSync(["bash", "--norc", "--noprofile", "-c", program], { stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`bash exited ${proc.exitCode}: ${proc.stderr.toString()}`);
  return proc.stdout.toString().split("\n").filter((l) => l.startsWith("--")).sort();
}

function fishFlags(script: string, line: string): string[] {
  const proc = Bun.spawnSync(["fish", "--no-config", "-c", `${script}\ncomplete -C ${JSON.stringify(line)}`], { stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`fish exited ${proc.exitCode}: ${proc.stderr.toString()}`);
  return [...new Set(proc.stdout.toString().split("\n").map((l) => l.split("\t")[0] ?? "").filter((l) => l.startsWith("--")))].sort();
}

test("each verb's completed flags are the flags its --help shows, in bash, fish and zsh", async () => {
  const [bash, fish, zsh] = await Promise.all(["bash", "fish", "zsh"].map((s) => runUtils(["completions", s])));
  for (const r of [bash, fish, zsh]) expectExit(r!, 0);
  using dir = makeTempDir("complete-flags");
  await using zshSession = await startShell("zsh", { script: zsh!.stdout, cwd: dir.path, path: [dirname(BLIT), dirname(UTILS)] });
  const expected: Record<string, string[]> = {};
  const got: Record<string, { bash: string[]; fish: string[]; zsh: string[] }> = {};
  for (const program of ["blit", "blit-utils"] as const) {
    const verbs = await verbsOf(program);
    expect(verbs.length).toBeGreaterThan(5);
    for (const verb of verbs) {
      const line = `${program} ${verb} --`;
      const shown = await helpFlags(program, verb);
      expected[line] = shown;
      const listed = await zshSession.listing(line);
      // Only the flags the help mentions can be told apart in zsh's list: check those and the bad spellings.
      const zshSeen = [...new Set(listed.match(/--[a-z][\w-]*/g) ?? [])].filter((f) => shown.includes(f) || f === "--mdns" || f === "--ludicrous-speed").sort();
      got[line] = { bash: await bashFlags(bash!.stdout, line), fish: fishFlags(fish!.stdout, line), zsh: zshSeen };
    }
  }
  expect(expected["blit scan --"]).toContain("--no-mdns");
  expect(expected["blit copy --"]).not.toContain("--ludicrous-speed");
  expect(got).toEqual(Object.fromEntries(Object.entries(expected).map(([line, flags]) => [line, { bash: flags, fish: flags, zsh: flags }])));
}, 300_000);
