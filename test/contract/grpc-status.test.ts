// Every ErrorCode crosses a real gRPC server and client (port 0) with its code, message and
// details intact, from unary calls and from streams; a client of another protocol version gets
// PROTOCOL_MISMATCH naming both versions; Push/Pull/DelegatedPull are refused with a clear code.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GrpcControlClient, GrpcControlServer, PROTOCOL_VERSION } from "../../src/adapters/grpc/index.ts";
import { BlitError, ERROR_CODES, isBlitError, type ErrorCode } from "../../src/domain/errors.ts";
import type { ControlPlane } from "../../src/ports/control.ts";

/** A plane whose every call fails with the ErrorCode named by the target path. */
const failing: ControlPlane = {
  ping: async () => ({ version: "test", protocolVersion: PROTOCOL_VERSION }),
  listModules: async () => ({ version: "test", motd: "", modules: [], defaultExport: null }),
  list: async (target) => {
    throw new BlitError(target.path as ErrorCode, `failure ${target.path} é \n line`, { path: target.path, n: 7 });
  },
  find: async function* (query) {
    yield { path: "first", meta: { kind: "file", size: 1, mtimeNs: 1n, mode: 0o644, uid: 0, gid: 0 } };
    throw new BlitError(query.target.path as ErrorCode, `stream failure ${query.target.path}`);
  },
  diskUsage: async function* () {
    throw new Error("a bug with /secret/server/path in it");
  },
  filesystemStats: async () => {
    throw new BlitError("NOT_FOUND", "x");
  },
  purge: async () => ({ entriesRemoved: 0, bytesRemoved: 0 }),
  completePath: async () => [],
};

let server: GrpcControlServer;
let client: GrpcControlClient;
const internal: string[] = [];

beforeAll(async () => {
  server = await GrpcControlServer.start({ host: "127.0.0.1", port: 0, tls: null, plane: failing, onInternalError: (m) => internal.push(m) });
  client = new GrpcControlClient({ host: "127.0.0.1", tls: null, port: server.port });
});
afterAll(async () => {
  await client[Symbol.asyncDispose]();
  await server.stop(1000);
});

async function caught(run: () => Promise<unknown>): Promise<BlitError> {
  try {
    await run();
  } catch (e) {
    if (isBlitError(e)) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("BlitError across the wire", () => {
  test.each([...ERROR_CODES])("%s from a unary call", async (code) => {
    const e = await caught(() => client.list({ module: "m", path: code }));
    expect({ code: e.code, message: e.message, details: e.details }).toEqual({
      code,
      message: `failure ${code} é \n line`,
      details: { path: code, n: 7 },
    });
  });

  test.each([...ERROR_CODES])("%s from a stream after a first message", async (code) => {
    const got: string[] = [];
    const e = await caught(async () => {
      for await (const found of client.find({ target: { module: "m", path: code }, pattern: "", kind: "any", limit: 0 })) got.push(found.path);
    });
    expect({ code: e.code, message: e.message, got }).toEqual({ code, message: `stream failure ${code}`, got: ["first"] });
  });

  test("a bug in the plane reaches the client as INTERNAL without its text, and is reported", async () => {
    const e = await caught(async () => {
      for await (const _ of client.diskUsage({ target: { module: "m", path: "" }, maxDepth: 0 })) void _;
    });
    expect(e.code).toBe("INTERNAL");
    expect(e.message).not.toContain("/secret");
    expect(internal).toContain("DiskUsage");
  });
});

describe("handshake", () => {
  test("a client of another protocol version gets PROTOCOL_MISMATCH naming both versions", async () => {
    await using old = new GrpcControlClient({ host: "127.0.0.1", tls: null, port: server.port, protocolVersion: 1 });
    const e = await caught(() => old.ping());
    expect(e.code).toBe("PROTOCOL_MISMATCH");
    expect(e.message).toContain("protocol 1");
    expect(e.message).toContain(`protocol ${PROTOCOL_VERSION}`);
  });

  test("the matching version gets the daemon's identity", async () => {
    expect(await client.ping()).toEqual({ version: "test", protocolVersion: PROTOCOL_VERSION });
  });
});

test("a daemon that is not there is UNREACHABLE naming host and port", async () => {
  const probe = await GrpcControlServer.start({ host: "127.0.0.1", port: 0, tls: null, plane: failing });
  const port = probe.port;
  await probe.stop(100);
  await using gone = new GrpcControlClient({ host: "127.0.0.1", port, tls: null });
  const e = await caught(() => gone.ping());
  expect(e.code).toBe("UNREACHABLE");
  expect(e.message).toContain(`127.0.0.1:${port}`);
});
