/** `.proto` files are imported as text (`with { type: "text" }`), so they are embedded in compiled programs. */
declare module "*.proto" {
  const text: string;
  export default text;
}
