import type { ArgsDef, CommandDef } from "citty";
import { checkArgs, diagnosticsArgs, listArgs, scanArgs, transferArgs, trustArgs } from "./_shared-args.ts";

/** One verb of `blit`: what help shows, and its command module, loaded only when it runs. */
export interface CommandEntry {
  readonly description: string;
  /** What follows `blit <verb> [OPTIONS]` in the usage line. */
  readonly operands: string;
  readonly args: ArgsDef;
  readonly hidden?: boolean;
  load(): Promise<CommandDef<ArgsDef>>;
}

/** The subcommand map of `blit`. Command modules are imported lazily to keep start-up fast. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  copy: {
    description: "Copy what differs from SRC to DST; never deletes",
    operands: "SRC DST",
    args: transferArgs,
    load: async () => (await import("./copy.ts")).default as CommandDef<ArgsDef>,
  },
  mirror: {
    description: "Make DST match SRC: copy, then delete what SRC lacks (asks first)",
    operands: "SRC DST",
    args: transferArgs,
    load: async () => (await import("./mirror.ts")).default as CommandDef<ArgsDef>,
  },
  move: {
    description: "Copy, make the copies durable, then remove the sources that landed (asks first)",
    operands: "SRC DST",
    args: transferArgs,
    load: async () => (await import("./move.ts")).default as CommandDef<ArgsDef>,
  },
  check: {
    description: "Compare two trees without changing anything (exit 1 when they differ)",
    operands: "SRC DST",
    args: checkArgs,
    load: async () => (await import("./check.ts")).default as CommandDef<ArgsDef>,
  },
  list: {
    description: "List the modules a daemon exports",
    operands: "HOST[:PORT]",
    args: listArgs,
    load: async () => (await import("./list.ts")).default as CommandDef<ArgsDef>,
  },
  trust: {
    description: "Record a daemon's TLS certificate in known_hosts (asks; --yes, or --pin a known value)",
    operands: "HOST[:PORT]",
    args: trustArgs,
    load: async () => (await import("./trust.ts")).default as CommandDef<ArgsDef>,
  },
  scan: {
    description: "Find blit daemons on the local network",
    operands: "",
    args: scanArgs,
    load: async () => (await import("./scan.ts")).default as CommandDef<ArgsDef>,
  },
  diagnostics: {
    description: "Recent runs and their speed, from local telemetry (diagnostics perf)",
    operands: "perf",
    args: diagnosticsArgs,
    load: async () => (await import("./diagnostics.ts")).default as CommandDef<ArgsDef>,
  },
};
