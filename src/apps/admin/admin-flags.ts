import type { FlagDefs } from "../toolkit/flag-parser.ts";

/** The flags `blit scan` and `blit-utils scan` share (each program adds its --json). */
export const DAEMON_SCAN_FLAGS = {
  wait: { type: "string", valueHint: "SECS", description: "Listen this long for answers (default 2)" },
  peers: { type: "string", valueHint: "HOST[:PORT],...", description: "Also ask these daemons directly (no multicast needed)" },
  "no-mdns": { type: "boolean", description: "Do not browse mDNS (only --peers)" },
} as const satisfies FlagDefs;
