/**
 * The protocol schema as protobufjs JSON, computed from proto/blit.proto. wire-schema.ts imports
 * it as a Bun macro (`with { type: "macro" }`), so a compiled program carries the finished
 * descriptor and never parses .proto text at start-up (parsing cost ~60 ms a process here;
 * loading the JSON ~10 ms).
 */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";

export function protoDescriptor(): protobuf.INamespace {
  const text = readFileSync(new URL("../../../proto/blit.proto", import.meta.url), "utf8");
  return protobuf.parse(text, { keepCase: true }).root.toJSON();
}
