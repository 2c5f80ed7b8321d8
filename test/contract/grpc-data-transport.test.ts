import { GrpcDataTransport } from "../../src/adapters/grpc/index.ts";
import { describeTransportContract } from "./transport.contract.ts";

describeTransportContract("grpc (fallback data)", () => new GrpcDataTransport());
