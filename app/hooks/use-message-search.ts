"use client";

import { useCallback, useRef, useState } from "react";
import type { SearchResult } from "@/server/contract/search";
import { useConnection } from "./socket-context";

export interface SearchState {
  /** The query the results are for (null: no search yet, or cleared). */
  query: string | null;
  results: SearchResult[];
  next: string | null;
  loading: boolean;
  error: string | null;
}

const IDLE: SearchState = { query: null, results: [], next: null, loading: false, error: null };

/**
 * Message search over the connection (`message:search`): a query, then more pages of it. An
 * answer to an older query than the latest is dropped.
 */
export function useMessageSearch() {
  const conn = useConnection();
  const [state, setState] = useState<SearchState>(IDLE);
  const latest = useRef(0);

  const run = useCallback(
    async (query: string, roomId: string | undefined, cursor?: string) => {
      if (!conn) return;
      const ticket = ++latest.current;
      setState((s) => ({ ...(cursor ? s : { ...IDLE, query }), loading: true, error: null }));
      const ack = await conn.transport.request("message:search", { query, ...(roomId ? { roomId } : {}), ...(cursor ? { cursor } : {}) });
      if (ticket !== latest.current) return;
      if (!ack.ok) {
        setState((s) => ({ ...s, loading: false, error: ack.error.message }));
        return;
      }
      setState((s) => ({ query, results: cursor ? [...s.results, ...ack.data.results] : ack.data.results, next: ack.data.next, loading: false, error: null }));
    },
    [conn],
  );

  const search = useCallback((query: string, roomId?: string) => run(query, roomId), [run]);
  const more = useCallback((roomId?: string) => (state.query !== null && state.next ? run(state.query, roomId, state.next) : Promise.resolve()), [run, state.query, state.next]);
  const clear = useCallback(() => {
    latest.current++;
    setState(IDLE);
  }, []);
  return { ...state, search, more, clear };
}
