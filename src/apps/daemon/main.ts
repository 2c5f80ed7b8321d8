#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };

/**
 * `blit-daemon` (SPEC §5): parses flags, loads the config file, resolves the settings (flag →
 * file → default) and serves until SIGTERM/SIGINT. --help and --version load nothing heavy.
 * Every failure is printed as `blit-daemon: <message>` with the exit code of its BlitError
 * (toolkit/error-report.ts).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "token") {
      const { tokenCommand } = await import("./token-command.ts");
      return print(tokenCommand(argv.slice(1)), 0);
    }
    const { DEFAULT_CONFIG_PATH, daemonHelp, parseDaemonFlags } = await import("./daemon-flags.ts");
    const flags = parseDaemonFlags(argv);
    if (flags.version) return print(`${pkg.version}\n`, 0);
    if (flags.help) return print(daemonHelp(pkg.version), 0);
    const [compose, { resolveSettings }, { createDaemonLog }, { serve }, { EMPTY_DAEMON_CONFIG }, os, path] = await Promise.all([
      import("../compose.ts"),
      import("./daemon-settings.ts"),
      import("./daemon-log.ts"),
      import("./serve.ts"),
      import("../../domain/daemon-config.ts"),
      import("node:os"),
      import("node:path"),
    ]);
    const log = createDaemonLog(flags.logLevel, flags.jsonLogs);
    const config = (await compose.loadDaemonConfig(flags.config ?? DEFAULT_CONFIG_PATH, flags.config !== undefined)) ?? EMPTY_DAEMON_CONFIG;
    if (config.file !== "") log.info(`config ${config.file}`);
    const settings = resolveSettings(flags, config, {
      cwd: process.cwd(),
      hostname: os.hostname(),
      absolute: (p) => path.resolve(p),
      uid: process.getuid?.() ?? -1,
      home: os.homedir(),
      xdgStateHome: process.env.XDG_STATE_HOME,
    });
    if (flags.fingerprint) {
      const identity = await compose.daemonIdentity(settings.tls, settings.stateDir);
      return print(`${identity.fingerprint}\n`, 0);
    }
    if (settings.tls.enabled && process.env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
      const { BlitError } = await import("../../domain/errors.ts");
      throw new BlitError(
        "USAGE",
        "NODE_TLS_REJECT_UNAUTHORIZED=0 is set: it turns off the verification of client certificates, so a TLS daemon refuses to start with it; unset it",
        { variable: "NODE_TLS_REJECT_UNAUTHORIZED" },
      );
    }
    if (flags.root !== undefined) await checkRoot(settings.defaultExport?.path ?? flags.root);
    return await serve(settings, pkg.version, log);
  } catch (e) {
    const [{ reportError }, { flushOutput }] = await Promise.all([import("../toolkit/error-report.ts"), import("../toolkit/output.ts")]);
    const code = reportError("blit-daemon", e);
    await flushOutput();
    return code;
  }
}

// --- internal ---

/** --root must name an existing directory. */
async function checkRoot(root: string): Promise<void> {
  const { stat } = await import("node:fs/promises");
  const isDir = await stat(root).then((s) => s.isDirectory(), () => false);
  if (isDir) return;
  const { BlitError } = await import("../../domain/errors.ts");
  throw new BlitError("USAGE", `--root ${root} is not an existing directory: create it or fix the path`, { flag: "--root", value: root });
}

/** Prints `text` on stdout and gives `code` back. */
async function print(text: string, code: number): Promise<number> {
  const { printAndExit } = await import("../toolkit/output.ts");
  return printAndExit(text, code);
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
