import { describe, expect, test } from "bun:test";
import { addPhases, phaseOf, type Frame } from "../../../bench/budget-phases.ts";
import { perfStacks } from "../../../bench/budget-profile.ts";

const js = (fn: string, file: string): Frame => ({ fn, file });
const k = (fn: string): Frame => ({ fn, file: "[kernel]" });
const anon: Frame = { fn: "", file: "/work/dist/blit" };

describe("phaseOf (the per-file budget's attribution table)", () => {
  test("a syscall names the phase even when a write path called it", () => {
    const stack = [js("renameSync", "node:fs"), js("", "src/adapters/local/bytes-write.ts"), js("", "src/apps/engine/tree-sync.ts")];
    expect(phaseOf(stack, "receiver", "main")).toBe("rename");
    expect(phaseOf([k("shmem_rename2"), k("vfs_rename"), k("do_renameat2"), anon], "local", "Worker")).toBe("rename");
  });

  test("a socket write under vfs_write is send, a file write is write", () => {
    expect(phaseOf([k("tcp_sendmsg"), k("sock_write_iter"), k("vfs_write"), k("ksys_write")], "sender", "Worker")).toBe("send");
    expect(phaseOf([k("shmem_write_begin"), k("generic_perform_write"), k("vfs_write")], "receiver", "Worker")).toBe("write");
  });

  test("the innermost known source file wins over its callers", () => {
    const stack = [js("", "node_modules/x/y.js"), js("compareEntry", "src/domain/compare.ts"), js("", "src/apps/engine/tree-sync.ts"), js("run", "src/apps/engine/transfer.ts")];
    expect(phaseOf(stack, "local", "main")).toBe("compare");
    expect(phaseOf([js("", "src/adapters/blit-session/file-digest.ts"), js("", "src/adapters/blit-session/file-demux.ts")], "receiver", "main")).toBe("verify");
  });

  test("shared code takes the phase of its caller, or of the side's role", () => {
    const codec = js("encode", "src/domain/wire/frame.ts");
    expect(phaseOf([codec, js("", "src/adapters/blit-session/file-sender.ts")], "sender", "main")).toBe("send");
    expect(phaseOf([codec, js("", "src/adapters/tcp/record-hash.ts")], "sender", "main")).toBe("verify");
    expect(phaseOf([codec, js("", "src/adapters/blit-session/file-demux.ts")], "receiver", "main")).toBe("receive");
    expect(phaseOf([codec, js("onData", "src/adapters/tcp/tcp-channel.ts")], "receiver", "main")).toBe("receive");
    expect(phaseOf([codec, js("onData", "src/adapters/tcp/tcp-channel.ts")], "sender", "main")).toBe("send");
    expect(phaseOf([js("", "src/adapters/local/worker-pool.ts")], "sender", "main")).toBe("send");
    expect(phaseOf([js("", "src/adapters/local/worker-pool.ts")], "receiver", "main")).toBe("write");
  });

  test("unnamed samples fall back on their thread", () => {
    expect(phaseOf([anon, anon], "receiver", "Worker")).toBe("write");
    expect(phaseOf([anon, anon], "sender", "Worker")).toBe("send");
    expect(phaseOf([anon], "local", "JITWorker")).toBe("runtime");
    expect(phaseOf([js("(module)", "src/apps/cli/main.ts")], "local", "main")).toBe("startup");
    expect(phaseOf([js("node:http2", "node:http2")], "receiver", "main")).toBe("startup");
    expect(phaseOf([js("write", "node:http2")], "receiver", "main")).toBe("receive");
    expect(phaseOf([js("mystery", "somewhere.js")], "local", "main")).toBe("other");
  });

  test("addPhases sums the weights per phase", () => {
    const samples = [
      { frames: [k("do_fsync")], us: 4, thread: "Worker" },
      { frames: [k("__x64_sys_syncfs")], us: 6, thread: "Worker" },
      { frames: [k("vfs_statx")], us: 1, thread: "Worker" },
    ];
    const got = addPhases(new Map(), samples, "receiver");
    expect(Object.fromEntries(got)).toEqual({ sync: 10, walk: 1 });
  });
});

describe("perfStacks", () => {
  test("reads perf script's sample blocks: thread, main or not, frames leaf first", () => {
    const text = [
      "blit 100/100 ",
      "\tffffffff815fc56d vfs_statx ([kernel.kallsyms])",
      "\t         1842bda [unknown] (/work/dist/blit)",
      "",
      "Worker 100/104 ",
      "\tffffffff8225a101 do_renameat2+0x1f ([kernel.kallsyms])",
      "",
    ].join("\n");
    const got = perfStacks(text, 1000);
    expect(got.map((s) => [s.thread, s.main, s.us])).toEqual([
      ["blit", true, 1000],
      ["Worker", false, 1000],
    ]);
    expect(got[0]?.frames).toEqual([k("vfs_statx"), { fn: "", file: "/work/dist/blit" }]);
    expect(got[1]?.frames).toEqual([k("do_renameat2")]);
  });
});
