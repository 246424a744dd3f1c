"use client";

import { useCallback, useEffect, useState } from "react";
import type { ApiTokenSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

/** The user's personal API tokens: list, create (the token is returned once), revoke. */
export function useApiTokens() {
  const conn = useConnection();
  const [tokens, setTokens] = useState<ApiTokenSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Listed on every (re)connect; an answer that arrives after unmount is dropped.
  useEffect(() => {
    if (!conn) return;
    let live = true;
    const load = () =>
      void conn.transport.request("token:list", {}).then((ack) => {
        if (!live) return;
        if (ack.ok) setTokens(ack.data.tokens);
        else setError(ack.error.message);
      });
    const stop = conn.transport.onConnect(load);
    if (conn.transport.isConnected()) load();
    return () => {
      live = false;
      stop();
    };
  }, [conn]);

  const create = useCallback(
    async (name: string): Promise<string | null> => {
      if (!conn) return null;
      const ack = await conn.transport.request("token:create", { name });
      if (!ack.ok) {
        setError(ack.error.message);
        return null;
      }
      setError(null);
      setTokens((list) => [...(list ?? []), ack.data.summary]);
      return ack.data.token;
    },
    [conn],
  );

  const revoke = useCallback(
    async (id: string) => {
      if (!conn) return;
      const ack = await conn.transport.request("token:revoke", { id });
      if (!ack.ok) setError(ack.error.message);
      else setTokens((list) => list && list.filter((t) => t.id !== id));
    },
    [conn],
  );

  return { tokens, error, create, revoke };
}
