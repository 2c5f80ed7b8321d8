// SPEC §5: a daemon running as root applies the owner, group and set-id bits a client sends only
// in modules with keep_owners = true. Elsewhere what a client pushes belongs to the module root's
// owner and group and loses the set-uid and set-gid bits (files and directories); the sticky bit
// stays. A delegated pull into a module follows the same rule: the destination daemon writes what
// the source daemon lists.
import { chownSync, lstatSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { createSessionConnector } from "../../src/apps/compose.ts";
import { harnessTrust, startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const MODULE_OWNER = { uid: 4242, gid: 4343 };

const SOURCE = {
  "suid-root": { content: "#!/bin/sh\n", mode: 0o4755, uid: 0, gid: 0 },
  "sgid-foreign": { content: "x", mode: 0o2750, uid: 1234, gid: 5678 },
  shared: { dir: true, mode: 0o3775, uid: 0, gid: 0 },
  "shared/inside": { content: "y", mode: 0o644, uid: 1234, gid: 1234 },
  "link": { symlink: "suid-root" },
} as const;

function owned(path: string): { mode: number; uid: number; gid: number } {
  const st = lstatSync(path);
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

async function pushInto(keepOwners: boolean | undefined): Promise<(rel: string) => { mode: number; uid: number; gid: number }> {
  using top = makeTempDir("privilege");
  const src = join(top.path, "src");
  const mod = join(top.path, "mod");
  writeTree(src, SOURCE);
  mkdirSync(mod);
  chownSync(mod, MODULE_OWNER.uid, MODULE_OWNER.gid);
  await using daemon = await startDaemon({ modules: { m: { path: mod, ...(keepOwners === undefined ? {} : { keepOwners }) } } });
  expectExit(await runCli(["copy", `${src}/`, `${daemon.control}:/m/`]), 0);
  const seen = new Map(["suid-root", "sgid-foreign", "shared", "shared/inside", "link"].map((rel) => [rel, owned(join(mod, rel))]));
  return (rel) => seen.get(rel)!;
}

test.skipIf(process.geteuid?.() !== 0)("a normal module stores pushed entries as the module root's owner, without set-id bits", async () => {
  const at = await pushInto(undefined);
  expect(at("suid-root")).toEqual({ mode: 0o755, ...MODULE_OWNER });
  expect(at("sgid-foreign")).toEqual({ mode: 0o750, ...MODULE_OWNER });
  expect(at("shared")).toEqual({ mode: 0o1775, ...MODULE_OWNER });
  expect(at("shared/inside")).toEqual({ mode: 0o644, ...MODULE_OWNER });
  expect({ uid: at("link").uid, gid: at("link").gid }).toEqual(MODULE_OWNER);
});

test.skipIf(process.geteuid?.() !== 0)("a keep_owners module keeps the owners and set-id bits clients send", async () => {
  const at = await pushInto(true);
  expect(at("suid-root")).toEqual({ mode: 0o4755, uid: 0, gid: 0 });
  expect(at("sgid-foreign")).toEqual({ mode: 0o2750, uid: 1234, gid: 5678 });
  expect(at("shared")).toEqual({ mode: 0o3775, uid: 0, gid: 0 });
  expect(at("shared/inside")).toEqual({ mode: 0o644, uid: 1234, gid: 1234 });
});

test.skipIf(process.geteuid?.() !== 0)("a delegated pull into a normal module stores entries as the module root's owner, without set-id bits", async () => {
  using top = makeTempDir("privilege-delegated");
  const src = join(top.path, "src");
  const mod = join(top.path, "mod");
  writeTree(src, SOURCE);
  mkdirSync(mod);
  chownSync(mod, MODULE_OWNER.uid, MODULE_OWNER.gid);
  await using source = await startDaemon({ modules: { s: { path: src } } });
  await using daemon = await startDaemon({ modules: { m: { path: mod } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
  await using connector = await createSessionConnector(harnessTrust);
  const options = { verb: "copy", compare: "quick", ignoreExisting: false, filter: { rules: [], filesFrom: null, minSize: null, maxSize: null }, dryRun: false, maxDelete: null, resume: false, forceGrpcData: false } as const;
  const request = { source: { host: source.host, port: source.port, target: { module: "s", path: "" }, contentsOnly: true }, destination: { target: { module: "m", path: "" }, trailingSlash: true }, options };
  let outcome = "";
  for await (const event of connector.delegatedPull({ host: daemon.host, port: daemon.port }, request, new AbortController().signal)) {
    if (event.t === "summary") outcome = event.summary.outcome;
  }
  expect(outcome).toBe("success");
  expect(owned(join(mod, "suid-root"))).toEqual({ mode: 0o755, ...MODULE_OWNER });
  expect(owned(join(mod, "sgid-foreign"))).toEqual({ mode: 0o750, ...MODULE_OWNER });
  expect(owned(join(mod, "shared"))).toEqual({ mode: 0o1775, ...MODULE_OWNER });
});
