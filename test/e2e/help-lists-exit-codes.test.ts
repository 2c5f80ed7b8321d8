// SPEC §3: the one exit-code table is printed by --help (blit's and each verb's), and the
// advanced speed flags are documented under "Advanced".
import { expect, test } from "bun:test";
import { expectExit, runCli } from "../harness/run-cli.ts";

const TABLE: [number, RegExp][] = [
  [0, /success/i],
  [1, /differences/i],
  [2, /usage/i],
  [3, /not found/i],
  [4, /permission denied/i],
  [5, /protocol/i],
  [6, /unreachable/i],
  [7, /interrupted/i],
  [8, /partial/i],
  [9, /integrity/i],
  [10, /no space/i],
  [11, /not confirmed/i],
  [70, /internal/i],
  [130, /cancel/i],
];

/** The codes whose table line (`  <code>  <meaning>`) matches the meaning. */
function listedCodes(help: string): number[] {
  const lines = help.split("\n");
  return TABLE.filter(([code, meaning]) => lines.some((l) => new RegExp(`^\\s*${code}\\b`).test(l) && meaning.test(l))).map(([code]) => code);
}

test.concurrent.each([[["--help"]], [["-h"]], [["copy", "--help"]], [["mirror", "--help"]], [["move", "--help"]]])(
  "blit %p lists every exit code with its meaning",
  async (args) => {
    const r = await runCli(args);
    expectExit(r, 0);
    expect(listedCodes(r.stdout)).toEqual(TABLE.map(([code]) => code));
  },
);

test.concurrent("blit --help documents --max-threads and --force-grpc-data under Advanced", async () => {
  const r = await runCli(["--help"]);
  expectExit(r, 0);
  const advanced = r.stdout.slice(r.stdout.indexOf("Advanced"));
  expect({ section: r.stdout.includes("Advanced"), threads: advanced.includes("--max-threads"), grpc: advanced.includes("--force-grpc-data") }).toEqual({
    section: true,
    threads: true,
    grpc: true,
  });
});
