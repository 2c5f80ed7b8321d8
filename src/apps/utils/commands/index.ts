import { DAEMON_SCAN_FLAGS } from "../../admin/admin-flags.ts";
import type { CommandTable } from "../../toolkit/command.ts";
import type { FlagDef } from "../../toolkit/flag-parser.ts";

const JSON_FLAG: FlagDef = { type: "boolean", description: "Print one JSON document on stdout" };

/** The subcommand map of `blit-utils`. */
export const UTILS_COMMANDS: CommandTable = {
  list: {
    description: "List a daemon's modules, their comments and its motd",
    operands: "HOST[:PORT]",
    flags: { json: JSON_FLAG },
    load: async () => (await import("./list.ts")).run,
  },
  ls: {
    description: "List a remote directory",
    operands: "REMOTE",
    flags: { json: JSON_FLAG },
    load: async () => (await import("./ls.ts")).run,
  },
  find: {
    description: "Find entries below a remote path",
    operands: "REMOTE",
    flags: {
      pattern: { type: "string", valueHint: "GLOB", description: "Only names (or paths, with a '/') matching GLOB" },
      files: { type: "boolean", description: "Only files (and symlinks)" },
      dirs: { type: "boolean", description: "Only directories" },
      limit: { type: "string", valueHint: "N", description: "Stop after N matches" },
      json: JSON_FLAG,
    },
    load: async () => (await import("./find.ts")).run,
  },
  du: {
    description: "Disk usage of a remote path, per directory",
    operands: "REMOTE",
    flags: { "max-depth": { type: "string", valueHint: "N", description: "Show directories up to N levels down (default 0)" }, json: JSON_FLAG },
    load: async () => (await import("./du.ts")).run,
  },
  df: {
    description: "Free space of the filesystem holding a remote module",
    operands: "REMOTE",
    flags: { json: JSON_FLAG },
    load: async () => (await import("./df.ts")).run,
  },
  rm: {
    description: "Remove a remote file or directory (asks first)",
    operands: "REMOTE",
    flags: { yes: { type: "boolean", short: "y", description: "Do not ask" }, json: JSON_FLAG },
    load: async () => (await import("./rm.ts")).run,
  },
  scan: {
    description: "Find blit daemons on the local network (mDNS) and ask named ones (--peers)",
    operands: "",
    flags: { ...DAEMON_SCAN_FLAGS, json: JSON_FLAG },
    load: async () => (await import("./scan.ts")).run,
  },
  profile: {
    description: "Measure local storage (sequential read/write, small-file creates, copy offload) for the predictor",
    operands: "[PATH]",
    flags: { json: JSON_FLAG },
    load: async () => (await import("./profile.ts")).run,
  },
  completions: {
    description: "Print a shell completion script (bash, zsh or fish)",
    operands: "SHELL",
    flags: {},
    load: async () => (await import("./completions.ts")).run,
  },
  __complete: {
    description: "Completion candidates for a remote word (used by the completion scripts)",
    operands: "WORD",
    flags: {},
    hidden: true,
    load: async () => (await import("./complete.ts")).run,
  },
};
