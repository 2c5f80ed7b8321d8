// The file digest is the same however a record's bytes are cut into pieces on the way (span
// boundaries included), and any changed byte changes it.
import { expect, test } from "bun:test";
import { fileDigest, IncomingDigest, recordDigest } from "../../../src/adapters/blit-session/file-digest.ts";
import { randomBytes } from "../../harness/random-bytes.ts";

/** Feeds `record` to `d` in pieces cut at `cuts` (offsets), the last piece ending the record. */
function feed(d: IncomingDigest, record: Uint8Array, cuts: readonly number[]): void {
  const at = [0, ...cuts, record.length];
  for (let i = 0; i + 1 < at.length; i++) d.piece(record.subarray(at[i]!, at[i + 1]!), i + 2 === at.length);
}

test("records cut anywhere give the sender's digest; a flipped byte does not", () => {
  const small = randomBytes(4096);
  const big = randomBytes((3 << 20) + 7);
  const sent = fileDigest([recordDigest(small), recordDigest(big)]);
  for (const cuts of [[], [1], [1 << 20], [(1 << 20) - 1, (1 << 20) + 1, 2 << 20], [12345, 999_999, 3 << 20]]) {
    const d = new IncomingDigest();
    feed(d, small, cuts.filter((c) => c < small.length));
    feed(d, big, cuts);
    expect(d.matches(sent)).toBe(true);
  }
  const flipped = big.slice();
  flipped[(2 << 20) + 5]! ^= 1;
  const d = new IncomingDigest();
  feed(d, small, []);
  feed(d, flipped, [777]);
  expect(d.matches(sent)).toBe(false);
  // A record that never ended does not match either.
  const open = new IncomingDigest();
  open.piece(small, false);
  expect(open.matches(recordDigest(small))).toBe(false);
});
