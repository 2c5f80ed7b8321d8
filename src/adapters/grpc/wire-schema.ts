/**
 * The protocol schema, loaded once from the descriptor of proto/blit.proto (computed when the
 * program is built, proto-descriptor.ts), and the grpc-js service definition built from it by
 * hand: field names stay exactly as in the .proto (keepCase), 64-bit integers decode as bigint,
 * enums as their names.
 */
import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { protoDescriptor } from "./proto-descriptor.ts" with { type: "macro" };

/** The wire protocol version this build speaks; sent as `blit-protocol` metadata on every call. */
export const PROTOCOL_VERSION = 6;

/** Metadata keys of the handshake and of errors. */
export const PROTOCOL_HEADER = "blit-protocol";
/** Metadata key of the client's token (the secret; SPEC §9). */
export const TOKEN_HEADER = "blit-token";
export const ERROR_CODE_TRAILER = "blit-code";
export const ERROR_DETAILS_TRAILER = "blit-details-bin";

/** The methods of `blit.v2.Blit`. */
export type MethodName =
  | "Ping"
  | "ListModules"
  | "Push"
  | "Pull"
  | "List"
  | "Find"
  | "DiskUsage"
  | "FilesystemStats"
  | "Purge"
  | "CompletePath"
  | "DelegatedPull"
  | "Data";

/** A decoded message: plain object, field names as in the .proto. */
// biome-ignore lint: protobufjs decodes to untyped objects; mapping.ts gives them types.
export type WireMessage = Record<string, any>;

// Parsed once at load; the definitions below need them.
const PACKAGE = "blit.v2";
const SERVICE_NAME = `${PACKAGE}.Blit`;
const ROOT = protobuf.Root.fromJSON(protoDescriptor()).resolveAll();
const DECODE_OPTIONS: protobuf.IConversionOptions = { longs: BigInt, enums: String, defaults: true, oneofs: true, arrays: true };

/** The grpc-js definition of every method of the Blit service. */
export const BLIT_SERVICE: ServiceDefinition = buildService();

/** The full gRPC path of a method, e.g. `/blit.v2.Blit/Ping`. */
export const methodPath = (name: MethodName): string => `/${SERVICE_NAME}/${name}`;

/** Encodes `value` as the named message type (for tests that send hand-made messages). */
export function encodeMessage(typeName: string, value: WireMessage): Buffer {
  const type = ROOT.lookupType(`${PACKAGE}.${typeName}`);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

// --- internal ---


function buildService(): ServiceDefinition {
  const service = ROOT.lookupService(SERVICE_NAME);
  const definition: Record<string, MethodDefinition<WireMessage, WireMessage>> = {};
  for (const method of service.methodsArray) {
    const request = ROOT.lookupType(`${PACKAGE}.${method.requestType}`);
    const response = ROOT.lookupType(`${PACKAGE}.${method.responseType}`);
    definition[method.name] = {
      path: `/${SERVICE_NAME}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      requestDeserialize: (bytes) => request.toObject(request.decode(bytes), DECODE_OPTIONS),
      responseSerialize: (value) => Buffer.from(response.encode(response.fromObject(value)).finish()),
      responseDeserialize: (bytes) => response.toObject(response.decode(bytes), DECODE_OPTIONS),
      originalName: method.name,
    };
  }
  return definition;
}
