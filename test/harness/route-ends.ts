/**
 * One transfer on every route, for tests that compare routes.
 * - `routeEnds(daemons, dir, base)`: the source and destination of each route (local, push,
 *   pull, relay, delegated) for trees under `dir/base/<route>/{src,dst}`, where `dir` is the
 *   directory the RouteDaemons export as module `t`; the source is given as `src/` (its contents).
 */
import { join } from "node:path";
import type { RouteDaemons, RunningDaemon } from "./daemon.ts";

export type Route = "local" | "push" | "pull" | "relay" | "delegated";

export function routeEnds(daemons: RouteDaemons, dir: string, base: string): Record<Route, [string, string]> {
  const { plain, delegating } = daemons;
  const at = (d: RunningDaemon, route: Route, side: string) => `${d.control}:/t/${base}/${route}/${side}/`;
  const local = (route: Route, side: string) => join(dir, base, route, side);
  return {
    local: [`${local("local", "src")}/`, local("local", "dst")],
    push: [`${local("push", "src")}/`, at(plain, "push", "dst")],
    pull: [at(plain, "pull", "src"), local("pull", "dst")],
    relay: [at(plain, "relay", "src"), at(plain, "relay", "dst")],
    delegated: [at(plain, "delegated", "src"), at(delegating, "delegated", "dst")],
  };
}
