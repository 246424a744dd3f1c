"use client";

import { useSyncExternalStore } from "react";
import type { UserSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NONE: readonly UserSummary[] = [];
const noop = () => () => {};

/**
 * The people the user blocks, and `change` to block or unblock one.
 *
 * @example
 * const { blocked, change } = useBlocks();
 */
export function useBlocks() {
  const conn = useConnection();
  const blocked = useSyncExternalStore(conn?.blocks.subscribe ?? noop, () => conn?.blocks.get() ?? NONE, () => NONE);
  return { blocked, change: (userId: string, on: boolean) => conn?.blocks.change(userId, on) ?? Promise.resolve("Not connected yet.") };
}
