// FairShares counts holders under every limit at once and refuses a share, taking nothing, when any
// limit of its keys is full; peerAddress names the client address of a grpc-js peer string.
import { describe, expect, test } from "bun:test";
import { clientAddress, peerAddress } from "../../../src/domain/daemon-limits.ts";
import { FairShares } from "../../../src/domain/fair-shares.ts";

describe("FairShares", () => {
  test("a full address is refused while another address and the total still have room", () => {
    const shares = new FairShares({ all: 5, address: 2 });
    const a = { all: "", address: "10.0.0.1" };
    const b = { all: "", address: "10.0.0.2" };
    expect([shares.take(a), shares.take(a), shares.take(a)]).toEqual([null, null, "address"]);
    expect(shares.count("address", "10.0.0.1")).toBe(2);
    expect(shares.count("all", "")).toBe(2);
    expect([shares.take(b), shares.take(b)]).toEqual([null, null]);
    shares.give(a);
    expect(shares.take(a)).toBeNull();
    expect(shares.take({ all: "", address: "10.0.0.3" })).toBeNull();
    expect(shares.take({ all: "", address: "10.0.0.4" })).toBe("all");
    expect(shares.count("address", "10.0.0.4")).toBe(0);
  });
});

describe("peerAddress", () => {
  test("drops the port of IPv4, IPv6 and IPv4-mapped peers", () => {
    expect(peerAddress("127.0.0.2:5000")).toBe("127.0.0.2");
    expect(peerAddress("::1:5000")).toBe("::1");
    expect(peerAddress("[fe80::1]:22")).toBe("fe80::1");
    expect(peerAddress("::ffff:10.1.2.3:443")).toBe("10.1.2.3");
    expect(clientAddress("::FFFF:10.1.2.3")).toBe("10.1.2.3");
  });
});
