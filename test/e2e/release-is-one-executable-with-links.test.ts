// Packaging (issue 15): `bun run build` writes ONE compiled executable, dist/blit, and the links
// dist/blit-daemon and dist/blit-utils to it; the executable is the program named by the name it
// is invoked as (a link, a copy under another name, or argv0), and each answers --version.
import { expect, test } from "bun:test";
import { copyFileSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { buildRelease } from "../harness/compiled.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import pkg from "../../package.json" with { type: "json" };

function run(argv: string[], argv0?: string): { code: number; out: string } {
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", ...(argv0 === undefined ? {} : { argv0 }) });
  return { code: p.exitCode ?? -1, out: p.stdout.toString() };
}

test("dist/ holds one executable and two links to it; each name runs its own program", async () => {
  const release = await buildRelease();
  const entries = readdirSync(release.dist).sort();
  expect(entries).toEqual(["blit", "blit-daemon", "blit-utils"]);
  const kinds = Object.fromEntries(entries.map((e) => [e, lstatSync(join(release.dist, e)).isSymbolicLink() ? `-> ${readlinkSync(join(release.dist, e))}` : "file"]));
  expect(kinds).toEqual({ blit: "file", "blit-daemon": "-> blit", "blit-utils": "-> blit" });
  expect(lstatSync(release.blit).size).toBeGreaterThan(50 << 20);

  const firstLine = (argv: string[], argv0?: string) => run(argv, argv0).out.split("\n")[0];
  expect({
    blit: firstLine([release.blit, "--help"]),
    daemon: firstLine([release.daemon, "--help"]),
    utils: firstLine([release.utils, "--help"]),
  }).toEqual({
    blit: `blit ${pkg.version} - fast, safe file transfers`,
    daemon: `blit-daemon ${pkg.version} - serves modules to blit clients`,
    utils: `blit-utils ${pkg.version} - admin commands for blit daemons`,
  });
  for (const bin of [release.blit, release.daemon, release.utils]) expect(run([bin, "--version"])).toEqual({ code: 0, out: `${pkg.version}\n` });

  // A copy installed under another name, and argv0 set by the caller, choose the program too.
  using dir = makeTempDir("one-executable");
  copyFileSync(release.blit, join(dir.path, "blit-daemon"));
  expect(firstLine([join(dir.path, "blit-daemon"), "--help"])).toBe(`blit-daemon ${pkg.version} - serves modules to blit clients`);
  expect(firstLine([release.blit, "--help"], "blit-utils")).toBe(`blit-utils ${pkg.version} - admin commands for blit daemons`);
}, 180_000);
