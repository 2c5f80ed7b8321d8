export { GrpcControlClient, type ControlClientOptions } from "./grpc-control-client.ts";
export { GrpcControlServer, DEFAULT_CONTROL_LIMITS, type ControlLimits, type ControlServerOptions } from "./grpc-control-server.ts";
export { PROTOCOL_VERSION } from "./wire-schema.ts";
export { GrpcDataListener, GrpcDataTransport } from "./grpc-data-transport.ts";
export { GrpcSessionConnector } from "./grpc-session-connector.ts";
