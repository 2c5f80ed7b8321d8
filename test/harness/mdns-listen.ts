/**
 * An independent mDNS listener for tests (multicast-dns), used only inside a test network namespace.
 * - `collect(raw, done, start)`: the records heard after `start()` runs, until `done(records)`
 *   holds or 3 s passed.
 * - `isGoodbye(instancePrefix)`: matches the PTR record with TTL 0 that withdraws an instance.
 */
import type mdns from "multicast-dns";

export interface RawRecord {
  type: string;
  name: string;
  ttl?: number;
  data?: unknown;
}

/** The answer and additional records heard after `start` runs, until `done` holds (at most 3 s). */
export async function collect(raw: ReturnType<typeof mdns>, done: (records: RawRecord[]) => boolean, start: () => void): Promise<RawRecord[]> {
  const seen: RawRecord[] = [];
  const { promise, resolve } = Promise.withResolvers<void>();
  const onResponse = (packet: { answers: RawRecord[]; additionals: RawRecord[] }) => {
    seen.push(...packet.answers, ...packet.additionals);
    if (done(seen)) resolve();
  };
  const timer = setTimeout(resolve, 3000);
  raw.on("response", onResponse);
  start();
  await promise;
  clearTimeout(timer);
  raw.off("response", onResponse);
  return seen;
}

export const isGoodbye =
  (instancePrefix: string) =>
  (r: RawRecord): boolean =>
    r.type === "PTR" && r.name === "_blit._tcp.local" && String(r.data).startsWith(instancePrefix) && r.ttl === 0;
