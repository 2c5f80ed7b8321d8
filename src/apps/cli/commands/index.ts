import type { CommandTable } from "../../toolkit/command.ts";
import { CHECK_FLAGS, DIAGNOSTICS_FLAGS, LIST_FLAGS, SCAN_FLAGS, TRANSFER_FLAGS, TRUST_VERB_FLAGS } from "./flag-sets.ts";

/** The verbs of `blit`. Command modules are imported lazily to keep start-up fast. */
export const COMMANDS: CommandTable = {
  copy: {
    description: "Copy what differs from SRC to DST; never deletes",
    operands: "SRC DST",
    flags: TRANSFER_FLAGS,
    load: async () => (await import("./copy.ts")).run,
  },
  mirror: {
    description: "Make DST match SRC: copy, then delete what SRC lacks (asks first)",
    operands: "SRC DST",
    flags: TRANSFER_FLAGS,
    load: async () => (await import("./mirror.ts")).run,
  },
  move: {
    description: "Copy, make the copies durable, then remove the sources that landed (asks first)",
    operands: "SRC DST",
    flags: TRANSFER_FLAGS,
    load: async () => (await import("./move.ts")).run,
  },
  check: {
    description: "Compare two trees without changing anything (exit 1 when they differ)",
    operands: "SRC DST",
    flags: CHECK_FLAGS,
    load: async () => (await import("./check.ts")).run,
  },
  list: {
    description: "List the modules a daemon exports",
    operands: "HOST[:PORT]",
    flags: LIST_FLAGS,
    load: async () => (await import("./list.ts")).run,
  },
  trust: {
    description: "Record a daemon's TLS certificate in known_hosts (asks; --yes, or --pin a known value)",
    operands: "HOST[:PORT]",
    flags: TRUST_VERB_FLAGS,
    load: async () => (await import("./trust.ts")).run,
  },
  scan: {
    description: "Find blit daemons on the local network",
    operands: "",
    flags: SCAN_FLAGS,
    load: async () => (await import("./scan.ts")).run,
  },
  diagnostics: {
    description: "Recent runs and their speed, from local telemetry (diagnostics perf)",
    operands: "perf",
    flags: DIAGNOSTICS_FLAGS,
    load: async () => (await import("./diagnostics.ts")).run,
  },
};
