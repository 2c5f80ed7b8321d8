/** C sources imported as text (`with { type: "text" }`) for bun:ffi's cc. */
declare module "*.c" {
  const text: string;
  export default text;
}
