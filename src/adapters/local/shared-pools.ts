/**
 * The worker pools local stores share, one per kind, each started by its first user and closed
 * when its last one is disposed.
 */
import { availableParallelism } from "node:os";
import { WorkerPool } from "./worker-pool.ts";

let shared: WorkerPool | null = null;
let users = 0;

export function acquirePool(maxThreads: number | null, initialThreads: number | null): WorkerPool {
  const cores = Math.max(1, availableParallelism());
  const max = Math.max(1, Math.min(maxThreads ?? cores, cores));
  shared ??= new WorkerPool(Math.min(initialThreads ?? max, max), max);
  users++;
  return shared;
}

/**
 * Threads of the pool that serves daemon modules: more than the cores, started only while every
 * running one is busy, so a few calls stuck on a hung filesystem leave the others served.
 */
const SERVER_THREADS = 16;
let server: WorkerPool | null = null;
let serverUsers = 0;

export function acquireServerPool(): WorkerPool {
  server ??= new WorkerPool(Math.max(1, Math.min(2, availableParallelism())), SERVER_THREADS, true);
  serverUsers++;
  return server;
}

export function releaseServerPool(): void {
  serverUsers--;
  if (serverUsers <= 0 && server !== null) {
    server.close();
    server = null;
    serverUsers = 0;
  }
}

export function releasePool(): void {
  users--;
  if (users <= 0 && shared !== null) {
    shared.close();
    shared = null;
    users = 0;
  }
}

/** True when `pool` is the daemon modules' pool. */
export const isServerPool = (pool: WorkerPool): boolean => pool === server;
