// Packaging (issue 15): docs/packaging/Containerfile describes a multi-stage build whose image
// holds one binary (blit, with blit-daemon and blit-utils as links), runs as a non-root user,
// declares VOLUMEs for the state and the data, EXPOSEs the control and data ports and has a
// HEALTHCHECK; its ignore file keeps the host's node_modules, dist/ and .git out of the build.
// No image registry is reachable here, so the runtime stage is reproduced the way a container
// runtime would run it: the compiled daemon (`bun run build`) in fresh mount, PID and network
// namespaces whose root holds only that binary, its links, the libc it links, /etc/passwd and the
// config — started with the image's ENTRYPOINT as the image's USER. It serves a push and a pull on
// the EXPOSEd ports (TCP data plane), its HEALTHCHECK passes inside the container, and SIGTERM
// (STOPSIGNAL) stops it with exit 0.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bareContainerUnavailableReason, startBareContainer } from "../harness/bare-container.ts";
import { buildRelease } from "../harness/compiled.ts";
import { REPO_ROOT } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const CONTAINERFILE = readFileSync(resolve(REPO_ROOT, "docs/packaging/Containerfile"), "utf8");
const reason = bareContainerUnavailableReason();

/** The instructions of the last stage (`FROM` to the end), continuation lines joined. */
function runtimeStage(): { op: string; args: string }[] {
  const lines = CONTAINERFILE.replace(/\\\n/g, " ").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const from = lines.findLastIndex((l) => l.startsWith("FROM "));
  return lines.slice(from).map((l) => ({ op: l.slice(0, l.indexOf(" ")), args: l.slice(l.indexOf(" ") + 1).trim() }));
}
const stage = runtimeStage();
const only = (op: string) => stage.filter((i) => i.op === op).map((i) => i.args);
const json = (op: string) => JSON.parse(only(op)[0] ?? "null") as string[];

test("the Containerfile: multi-stage, only the compiled binary copied in, non-root, VOLUMEs, EXPOSEd ports, HEALTHCHECK, ignore file", () => {
  expect(CONTAINERFILE.split("\n").filter((l) => l.startsWith("FROM ")).length).toBe(2);
  expect(only("COPY")).toEqual(["--from=build /src/dist/blit /usr/local/bin/blit"]);
  expect(only("ADD")).toEqual([]);
  expect(only("USER")).toEqual(["blit"]);
  expect(json("VOLUME")).toEqual(["/var/lib/blit", "/srv/blit"]);
  expect(only("EXPOSE")).toEqual(["9031/tcp 9032/tcp"]);
  expect(only("HEALTHCHECK")[0]).toMatch(/ CMD \[/);
  expect(json("ENTRYPOINT")[0]).toBe("/usr/local/bin/blit-daemon");
  for (const name of [".containerignore", ".dockerignore"]) {
    const rules = readFileSync(resolve(REPO_ROOT, name), "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    // Everything is ignored, then only the build's inputs are let back in.
    expect({ name, rules }).toEqual({ name, rules: ["*", "!package.json", "!bun.lock", "!bunfig.toml", "!tsconfig.json", "!proto/", "!scripts/", "!src/"] });
  }
});

test.skipIf(reason !== null)(`the compiled daemon in fresh mount, PID and network namespaces serves a push and a pull and passes its HEALTHCHECK${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
  const release = await buildRelease();
  const links = (only("RUN")[0] ?? "").match(/ln -s blit (\S+)/g)?.map((m) => m.slice("ln -s blit ".length)) ?? [];
  expect(links).toEqual(["/usr/local/bin/blit-daemon", "/usr/local/bin/blit-utils"]);
  const [state, data] = json("VOLUME") as [string, string];
  await using container = await startBareContainer({
    program: release.blit,
    programPath: "/usr/local/bin/blit",
    links,
    user: only("USER")[0] ?? "",
    uid: 999,
    ownedDirs: [state, data],
    files: { "/etc/blit/config.toml": `[[module]]\nname = "data"\npath = ${JSON.stringify(data)}\n`, [`${data}/seed.txt`]: "from the volume\n" },
    entrypoint: json("ENTRYPOINT"),
  });
  const ready = JSON.parse(container.firstLine) as { event: string; control: string; data: string; modules: string[]; tls: boolean; fingerprint: string };
  expect(ready).toMatchObject({ event: "ready", control: "0.0.0.0:9031", data: "0.0.0.0:9032", modules: ["data"], tls: true });
  // The clients outside pin the identity the daemon generated in its state volume (SPEC §9).
  const pin = ["--pin", ready.fingerprint];
  expect(only("EXPOSE")).toEqual([`${ready.control.split(":")[1]}/tcp ${ready.data.split(":")[1]}/tcp`]);

  using dir = makeTempDir("container-client");
  writeTree(dir.path, { "src/a.txt": "pushed\n", "src/sub/b.bin": new Uint8Array(1 << 20).fill(3) });
  const push = await container.exec([release.blit, "copy", ...pin, `${dir.path}/src/`, "127.0.0.1:/data/in/", "--json", "--yes"]);
  expect({ code: push.code, err: push.err }).toEqual({ code: 0, err: "" });
  expect(JSON.parse(push.out)).toMatchObject({ route: "push", transport: "tcp", files_transferred: 2 });
  expect(readFileSync(join(container.root, data, "in/a.txt"), "utf8")).toBe("pushed\n");
  const pull = await container.exec([release.blit, "copy", ...pin, "127.0.0.1:/data/", `${dir.path}/back/`, "--json", "--yes"]);
  expect({ code: pull.code, err: pull.err }).toEqual({ code: 0, err: "" });
  expect(JSON.parse(pull.out)).toMatchObject({ route: "pull", transport: "tcp", files_transferred: 3 });
  expect(readFileSync(join(dir.path, "back/seed.txt"), "utf8")).toBe("from the volume\n");
  expect(readFileSync(join(dir.path, "back/in/sub/b.bin")).length).toBe(1 << 20);

  const health = JSON.parse(/CMD (\[.*\])$/.exec(only("HEALTHCHECK")[0] ?? "")?.[1] ?? "[]") as string[];
  const check = await container.exec(health, { inside: true });
  expect({ code: check.code, err: check.err }).toEqual({ code: 0, err: "" });
  expect(JSON.parse(check.out)).toMatchObject({ modules: [{ name: "data" }] });

  expect(only("STOPSIGNAL")).toEqual(["SIGTERM"]);
  expect(await container.stop("SIGTERM")).toBe(0);
}, 180_000);
