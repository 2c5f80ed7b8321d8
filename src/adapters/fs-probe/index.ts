export { fsTypeOf } from "./fs-type.ts";
export { measureProfile, type MeasureOptions } from "./measure-profile.ts";
