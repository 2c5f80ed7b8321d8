/**
 * The session dialer (adapters/blit-session/data-dial.ts) takes each door's transport from the
 * registry by name (ports/data-transports.ts): the data port's, the control port's fallback, and
 * none for a door nobody registered. Real memory transports and a real DataPort on each door.
 */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { openDataPlane } from "../../../src/adapters/blit-session/data-dial.ts";
import { DataPort } from "../../../src/adapters/blit-session/data-port.ts";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { isBlitError } from "../../../src/domain/errors.ts";
import type { DataTransport } from "../../../src/ports/data-transports.ts";

const HOST = "memory";

/** A daemon's two doors on two memory transports, served by one data port; disposing closes both and the port. */
async function doors() {
  const dataSide = new MemoryTransport();
  const controlSide = new MemoryTransport();
  const dataListener = await dataSide.listen({ host: HOST, port: 0 });
  const controlListener = await controlSide.listen({ host: HOST, port: 0 });
  const port = new DataPort([dataListener, controlListener], (n) => new Uint8Array(randomBytes(n)));
  const close = async () => {
    await dataListener[Symbol.asyncDispose]();
    await controlListener[Symbol.asyncDispose]();
    await port[Symbol.asyncDispose]();
  };
  return { dataSide, controlSide, dataListener, controlListener, port, [Symbol.asyncDispose]: close };
}

const entry = (transport: MemoryTransport, door: DataTransport["door"]): DataTransport => ({ transport, door });

describe("openDataPlane with a registry of transports by name", () => {
  test("the data port's transport carries the session when the data port answers", async () => {
    await using d = await doors();
    const claim = d.port.expect(2);
    const neg = { dataPort: d.dataListener.address.port, token: claim.token, streams: 2, grpcData: false, fallbackReason: "" };
    const registry = new Map([["tcp", entry(d.dataSide, "data-port")], ["grpc", entry(d.controlSide, "control-port")]]);
    const plane = await openDataPlane(neg, HOST, d.controlListener.address.port, registry, false, new AbortController().signal);
    expect({ transport: plane.transport, channels: plane.channels.length, reason: plane.fallbackReason }).toEqual({ transport: "tcp", channels: 2, reason: null });
    expect(await claim.channels).toHaveLength(2);
    for (const c of plane.channels) await c[Symbol.asyncDispose]();
  });

  test("an unreachable data port falls back to the control port's transport, saying why", async () => {
    await using d = await doors();
    const claim = d.port.expect(1);
    const neg = { dataPort: 999, token: claim.token, streams: 1, grpcData: false, fallbackReason: "" };
    const registry = new Map([["tcp", entry(d.dataSide, "data-port")], ["grpc", entry(d.controlSide, "control-port")]]);
    const plane = await openDataPlane(neg, HOST, d.controlListener.address.port, registry, false, new AbortController().signal);
    expect(plane.transport).toBe("grpc");
    expect(plane.fallbackReason).toContain("data port memory:999 unreachable");
    expect(await claim.channels).toHaveLength(1);
    for (const c of plane.channels) await c[Symbol.asyncDispose]();
  });

  test("with no transport registered for the data port, the control port's carries the session", async () => {
    await using d = await doors();
    const claim = d.port.expect(1);
    const neg = { dataPort: d.dataListener.address.port, token: claim.token, streams: 1, grpcData: false, fallbackReason: "" };
    const plane = await openDataPlane(neg, HOST, d.controlListener.address.port, new Map([["grpc", entry(d.controlSide, "control-port")]]), false, new AbortController().signal);
    expect({ transport: plane.transport, reason: plane.fallbackReason }).toEqual({ transport: "grpc", reason: "no data transport for the data port" });
    expect(await claim.channels).toHaveLength(1);
    for (const c of plane.channels) await c[Symbol.asyncDispose]();
  });

  test("gRPC data forced with no transport for the control port is TRANSPORT_UNAVAILABLE", async () => {
    await using d = await doors();
    const claim = d.port.expect(1);
    const neg = { dataPort: d.dataListener.address.port, token: claim.token, streams: 1, grpcData: false, fallbackReason: "" };
    const opening = openDataPlane(neg, HOST, d.controlListener.address.port, new Map([["tcp", entry(d.dataSide, "data-port")]]), true, new AbortController().signal);
    const error = await opening.then(() => null, (e: unknown) => e);
    expect(isBlitError(error) ? error.code : String(error)).toBe("TRANSPORT_UNAVAILABLE");
    claim.cancel();
  });
});
