/**
 * A real interactive shell (bash, zsh or fish) on a pseudo-terminal, for completion tests: keys go
 * in as typed (Tab included), and the words a command line became come back.
 * - `startShell(shell, { script, cwd, path })`: starts `shell` interactively with no user config,
 *   HOME in a temp dir, `path` prepended to PATH, sources `script` (a completion script; zsh runs
 *   compinit first), cd's to `cwd`, and waits (bounded) until it answers.
 * - `session.complete(typed)`: types `typed` (use `\t` for Tab), then prefixes the line with a
 *   `printf` and runs it, so the result is the list of words the shell made of the completed line
 *   (`["blit", "copy", "My Album/"]`): escaping mistakes show as split or wrong words.
 * - `session.listing(typed)`: types `typed`, asks zsh for the list of choices (Ctrl-D), and returns
 *   what the terminal showed (zsh only; bash and fish are asked through compgen / complete -C).
 * - `session.output()`: everything the terminal showed so far (escape codes removed), for messages.
 * `await using` ends the shell (SIGKILL to its PID, then its temp HOME is removed).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KNOWN_HOSTS_FILE } from "./run-cli.ts";

export type ShellName = "bash" | "zsh" | "fish";

export interface ShellOptions {
  /** Completion script text to source. */
  readonly script: string;
  readonly cwd: string;
  /** Directories put first on PATH (where blit and blit-utils are found). */
  readonly path: readonly string[];
}

export interface ShellSession extends AsyncDisposable {
  complete(typed: string): Promise<string[]>;
  listing(typed: string): Promise<string>;
  output(): string;
}

const ANSWER_TIMEOUT_MS = 30_000;
const POLL_MS = 20;

/** True when `shell` is installed. */
export function haveShell(shell: ShellName): boolean {
  return Bun.which(shell) !== null;
}

export async function startShell(shell: ShellName, options: ShellOptions): Promise<ShellSession> {
  const home = mkdtempSync(join(tmpdir(), `blit-e2e-${shell}-home-`));
  // The shell's own config home, where programs it runs find the harness's known_hosts (SPEC §9).
  mkdirSync(join(home, ".config/blit"), { recursive: true });
  symlinkSync(KNOWN_HOSTS_FILE, join(home, ".config/blit/known_hosts"));
  const scriptFile = join(home, `completion.${shell}`);
  writeFileSync(scriptFile, options.script);
  const argv = { bash: ["bash", "--norc", "--noprofile", "-i"], zsh: ["zsh", "-f", "-i"], fish: ["fish", "--no-config", "-i"] }[shell];
  let raw = "";
  const decoder = new TextDecoder();
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: {
      PATH: [...options.path, process.env.PATH ?? "/usr/bin:/bin"].join(":"),
      HOME: home,
      TERM: "xterm",
      LANG: "C.UTF-8",
      PS1: "$ ",
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local/share"),
    },
    terminal: { cols: 400, rows: 50, data: (_t: unknown, chunk: Uint8Array) => void (raw += decoder.decode(chunk, { stream: true })) },
  } as Parameters<typeof Bun.spawn>[1] & { terminal: object });
  const terminal = (proc as unknown as { terminal: { write(text: string): void } }).terminal;
  let markers = 0;
  const clean = () => raw.replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, "").replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g, "").replace(/\x1b[()][0-9A-Za-z]|\x1b[=>78M]/g, "").replace(/\r/g, "");
  /** Runs `line` then `echo MARK`, and returns the cleaned output between the previous mark and this one. */
  const roundTrip = async (keys: string): Promise<string> => {
    const mark = `BLIT-MARK-${++markers}`;
    const before = clean().length;
    terminal.write(`${keys}; echo ${mark}\r`);
    const pattern = new RegExp(`^${mark}$`, "m");
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (!pattern.test(clean().slice(before))) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${shell} did not answer ${JSON.stringify(keys)}; terminal showed:\n${clean().slice(-3000)}`);
      await Bun.sleep(POLL_MS);
    }
    const text = clean().slice(before);
    return text.slice(0, text.search(pattern));
  };
  const setup = [
    shell === "zsh" ? "autoload -Uz compinit; compinit -u -D; bindkey -e; setopt no_auto_remove_slash" : shell === "fish" ? "set -g fish_greeting ''" : "true",
    `source ${scriptFile}`,
    `cd ${JSON.stringify(options.cwd)}`,
  ];
  try {
    for (const line of setup) await roundTrip(line);
  } catch (e) {
    proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
  return {
    async complete(typed) {
      // Ctrl-A: to the start of the line, where printf goes; Ctrl-E: back to its end.
      const text = await roundTrip(`${typed}\x01printf 'W:%s\\n' \x05`);
      return text.split("\n").filter((l) => l.startsWith("W:")).map((l) => l.slice(2));
    },
    async listing(typed) {
      return await roundTrip(`${typed}\x04\x01printf 'W:%s\\n' \x05`);
    },
    output: clean,
    async [Symbol.asyncDispose]() {
      proc.kill("SIGKILL");
      await proc.exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}
