/**
 * Cases of a contract suite that cannot apply to one implementation: a runner names each by the
 * start of its test name with the reason, and the suite declares its cases through
 * {@link withSkips}. A skipped case shows in the report as skipped, with its reason; a name that
 * matches no case of the suite fails (a renamed case is never skipped by accident).
 */
import { test } from "bun:test";

/** Start of a case's name → why that case cannot apply to the implementation under test. */
export type Skips = Readonly<Record<string, string>>;

type Body = () => Promise<void> | void;
type Declare = (name: string, body: Body, timeout?: number) => void;

/** `test`, except for the cases `skips` names; call {@link ContractTest.checkSkips} after the last case. */
export interface ContractTest extends Declare {
  skipIf(condition: boolean): Declare;
  /** Declares one failing case per skip that named no case. */
  checkSkips(): void;
}

export function withSkips(skips: Skips = {}): ContractTest {
  const used = new Set<string>();
  const reasonFor = (name: string): string | undefined => {
    const key = Object.keys(skips).find((k) => name.startsWith(k));
    if (key === undefined) return undefined;
    used.add(key);
    return skips[key];
  };
  const declare: Declare = (name, body, timeout) => {
    const reason = reasonFor(name);
    if (reason === undefined) test(name, body, timeout);
    else test.skip(`${name} — skipped: ${reason}`, body);
  };
  return Object.assign(declare, {
    skipIf: (condition: boolean): Declare =>
      condition
        ? (name: string, body: Body) => {
            reasonFor(name);
            test.skip(name, body);
          }
        : declare,
    checkSkips: () => {
      for (const key of Object.keys(skips).filter((k) => !used.has(k))) {
        test(`the skip '${key}' names a case of this suite`, () => {
          throw new Error(`no case starts with '${key}'`);
        });
      }
    },
  });
}
