export { TcpTransport } from "./tcp-transport.ts";
