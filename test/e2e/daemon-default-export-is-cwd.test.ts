// SPEC §5: with no modules and no root, the daemon exports its working directory as server://
// and warns about it; --root exports another directory instead; a flag beats the config file.
import { expect, test } from "bun:test";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { startDaemon } from "../harness/daemon.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("no modules, no root: the working directory is server://, with a warning", async () => {
  using cwd = makeTempDir("cwd");
  writeTree(cwd.path, { "here.txt": "x" });
  await using daemon = await startDaemon({ cwd: cwd.path, config: "" });
  expect(daemon.stderr()).toContain("exporting the working directory");
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const listing = await client.list({ module: null, path: "" });
  expect(listing.entries.map((e) => e.name)).toEqual(["here.txt"]);
  expect((await client.listModules()).defaultExport).toEqual({ readOnly: false });
}, 30_000);

test("--root beats the config file's root", async () => {
  using fromFile = makeTempDir("root-file");
  using fromFlag = makeTempDir("root-flag");
  writeTree(fromFile.path, { "file.txt": "x" });
  writeTree(fromFlag.path, { "flag.txt": "x" });
  await using daemon = await startDaemon({ root: fromFile.path, args: ["--root", fromFlag.path] });
  expect(daemon.stderr()).not.toContain("exporting the working directory");
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  expect((await client.list({ module: null, path: "" })).entries.map((e) => e.name)).toEqual(["flag.txt"]);
}, 30_000);
