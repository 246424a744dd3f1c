"use client";

import { useSyncExternalStore } from "react";
import { NO_SEARCH } from "@/app/lib/message-search";
import { useConnection } from "./socket-context";

const noop = () => () => {};

/** The connection's message search (`app/lib/message-search.ts`): its state and its actions. */
export function useMessageSearch() {
  const conn = useConnection();
  const store = conn?.search;
  const state = useSyncExternalStore(store?.subscribe ?? noop, () => store?.get() ?? NO_SEARCH, () => NO_SEARCH);
  return {
    ...state,
    search: (query: string, roomId?: string) => store?.search(query, roomId) ?? Promise.resolve(),
    more: () => store?.more() ?? Promise.resolve(),
    clear: () => store?.clear(),
  };
}
