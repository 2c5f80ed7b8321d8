// SPEC §7: blit-utils rm removes a remote path only with --yes when there is no terminal (exit 11
// otherwise, nothing removed); a module root is refused (exit 4); a read-only module refuses it
// (exit 4), even when the daemon is asked directly.
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("rm: exit 11 without --yes, removes with --yes, refuses roots and read-only modules", async () => {
  using rw = makeTempDir("rm-rw");
  using ro = makeTempDir("rm-ro");
  writeTree(rw.path, { "dir/a.txt": "a", "dir/b/c.txt": "cc" });
  writeTree(ro.path, { "keep.txt": "k" });
  await using daemon = await startDaemon({ modules: { rw: { path: rw.path }, ro: { path: ro.path, readOnly: true } } });

  expectExit(await runUtils(["rm", `${daemon.control}:/rw/dir`]), 11);
  expect(existsSync(join(rw.path, "dir/a.txt"))).toBe(true);

  const removed = await runUtils(["rm", `${daemon.control}:/rw/dir`, "--yes", "--json"]);
  expectExit(removed, 0);
  expect(removed.json).toEqual({ path: `${daemon.control}:/rw/dir`, entries_removed: 4, bytes_removed: 3 });
  expect(existsSync(join(rw.path, "dir"))).toBe(false);

  expectExit(await runUtils(["rm", `${daemon.control}:/rw/`, "--yes"]), 4);
  expectExit(await runUtils(["rm", `${daemon.control}:/ro/keep.txt`, "--yes"]), 4);
  expectExit(await runUtils(["rm", `${daemon.control}:/rw/missing`, "--yes"]), 3);
  expect(existsSync(join(ro.path, "keep.txt"))).toBe(true);

  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const codes: string[] = [];
  for (const target of [{ module: "ro", path: "keep.txt" }, { module: "rw", path: "" }]) {
    await client.purge(target).catch((e: unknown) => codes.push(isBlitError(e) ? e.code : String(e)));
  }
  expect(codes).toEqual(["READ_ONLY", "PERMISSION_DENIED"]);
  expect(existsSync(join(ro.path, "keep.txt"))).toBe(true);
}, 60_000);
