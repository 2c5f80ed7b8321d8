// Packaging (issue 15): under systemd (Type=notify), the daemon sends sd_notify's READY=1 on
// NOTIFY_SOCKET at the moment it prints its ready line — with MAINPID and a STATUS naming the
// ports it serves on — and STOPPING=1 when SIGTERM stops it; a path socket and an abstract one.
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { openNotifySocket } from "../harness/notify-socket.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const WAIT_MS = 20_000;

test.each([
  ["a socket path", (dir: string) => `${dir}/notify.sock`],
  ["an abstract socket", () => `@blit-e2e-notify-${process.pid}-${Date.now()}`],
] as const)("READY=1 with MAINPID and STATUS when serving, STOPPING=1 on SIGTERM, on %s", async (_kind, address) => {
  using dir = makeTempDir("sd-notify");
  using socket = openNotifySocket(address(dir.path));
  const daemon = await startDaemon({ root: dir.path, launch: (argv) => ["env", `NOTIFY_SOCKET=${socket.address}`, ...argv] });
  try {
    const ready = await socket.next(WAIT_MS);
    expect(Object.fromEntries(ready.split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]))).toEqual({
      READY: "1",
      MAINPID: String(daemon.pid),
      STATUS: `serving on ${daemon.control}, data ${String(daemon.ready.data)}`,
    });
  } finally {
    const code = await daemon.stop("SIGTERM");
    expect(code).toBe(0);
  }
  expect(await socket.next(WAIT_MS)).toBe("STOPPING=1");
}, 60_000);
