import { TcpTransport } from "../../src/adapters/tcp/index.ts";
import { describeTransportContract } from "./transport.contract.ts";

describeTransportContract("tcp", () => new TcpTransport());
