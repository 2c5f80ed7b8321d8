// The RDMA adapter's ABI table (struct offsets, sizes, enum values) against the real rdma-core
// headers: a C offsetof checker is generated from the table, compiled with gcc against
// <infiniband/verbs.h> (Debian libibverbs-dev, installed by .ci/run) and run.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { abiFor, IBV, WC_STATUS } from "../../src/adapters/rdma/verbs-abi.ts";

const HEADER = "/usr/include/infiniband/verbs.h";
const gcc = Bun.which("gcc");
const missing = gcc === null ? "gcc is not installed" : !existsSync(HEADER) ? `${HEADER} is missing (apt-get install libibverbs-dev)` : null;
if (missing !== null) console.warn(`rdma-verbs-abi: skipped: ${missing}`);

/** IBV key → its name in verbs.h. */
const C_NAME: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(IBV).map((k) => [k, k === "SEND_SIGNALED" ? "IBV_SEND_SIGNALED" : k === "WC_WITH_IMM" ? "IBV_WC_WITH_IMM" : `IBV_${k}`]),
);

function checkerSource(): { source: string; expected: string[] } {
  const abi = abiFor(process.arch)!;
  const lines: string[] = [];
  const expected: string[] = [];
  for (const [key, value] of Object.entries(abi.offsets)) {
    const [struct, ...field] = key.split(".");
    lines.push(`  printf("${key} %zu\\n", offsetof(struct ${struct}, ${field.join(".")}));`);
    expected.push(`${key} ${value}`);
  }
  for (const [struct, value] of Object.entries(abi.sizes)) {
    lines.push(struct === "ibv_gid" ? `  printf("sizeof ibv_gid %zu\\n", sizeof(union ibv_gid));` : `  printf("sizeof ${struct} %zu\\n", sizeof(struct ${struct}));`);
    expected.push(`sizeof ${struct} ${value}`);
  }
  for (const [key, value] of Object.entries(IBV)) {
    lines.push(`  printf("${key} %lld\\n", (long long)${C_NAME[key]});`);
    expected.push(`${key} ${value}`);
  }
  WC_STATUS.forEach((name, i) => {
    lines.push(`  printf("WC_${name} %d\\n", (int)IBV_WC_${name});`);
    expected.push(`WC_${name} ${i}`);
  });
  const source = `#include <stdio.h>\n#include <stddef.h>\n#include <infiniband/verbs.h>\nint main(void) {\n${lines.join("\n")}\n  return 0;\n}\n`;
  return { source, expected };
}

describe("RDMA ABI table", () => {
  test("has a table for x86-64 and aarch64 and none elsewhere", () => {
    expect(abiFor("x64")).not.toBeNull();
    expect(abiFor("arm64")).not.toBeNull();
    expect(abiFor("ia32")).toBeNull();
  });

  test.skipIf(missing !== null)("every offset, size and constant matches rdma-core's verbs.h on this machine", () => {
    const dir = mkdtempSync(join(tmpdir(), "blit-abi-"));
    try {
      const { source, expected } = checkerSource();
      writeFileSync(join(dir, "check.c"), source);
      const cc = Bun.spawnSync([gcc!, "-o", join(dir, "check"), join(dir, "check.c")], { stderr: "pipe" });
      expect(cc.stderr.toString()).toBe("");
      expect(cc.exitCode).toBe(0);
      const run = Bun.spawnSync([join(dir, "check")], { stdout: "pipe" });
      expect(run.stdout.toString().trim().split("\n")).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
