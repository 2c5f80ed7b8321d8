import { expect, test } from "bun:test";
import { offers } from "../../../src/domain/capability.ts";

interface Greets {
  greet(): string;
  wave(): void;
}

test("offers is true only when every named member is a method", () => {
  const both = { greet: () => "hi", wave: () => {} };
  expect(offers<Greets>(both, "greet", "wave")).toBe(true);
  expect(offers<Greets>({ greet: () => "hi" }, "greet", "wave")).toBe(false);
  expect(offers<Greets>({ greet: "hi", wave: () => {} }, "greet")).toBe(false);
  expect(offers<Greets>({}, "greet")).toBe(false);
});

test("a method on the prototype counts (a class's methods)", () => {
  class Greeter {
    greet(): string {
      return "hello";
    }
  }
  const x: object = new Greeter();
  if (!offers<Pick<Greets, "greet">>(x, "greet")) throw new Error("not offered");
  expect(x.greet()).toBe("hello");
});
