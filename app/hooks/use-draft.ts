"use client";

import { useCallback, useEffect, useState } from "react";
import type { UserSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

export type Draft = { text: string; chosen: UserSummary[] };

/**
 * A room's composer draft, kept on the device (the local store, batched with its other
 * writes): what was typed and not sent survives a reload, a closed tab, a room left for
 * another, offline too. `draft` is undefined until the device has answered, then the draft
 * or null.
 */
export function useDraft(roomId: string | undefined): { draft: Draft | null | undefined; save(text: string, chosen: readonly UserSummary[]): void } {
  const conn = useConnection();
  const [read, setRead] = useState<{ roomId: string; draft: Draft | null } | null>(null);
  useEffect(() => {
    if (!conn || !roomId) return;
    let live = true;
    void conn.local.loadDraft(roomId).then((stored) => live && setRead({ roomId, draft: stored ? { text: stored.text, chosen: stored.chosen } : null }));
    return () => {
      live = false;
    };
  }, [conn, roomId]);
  const save = useCallback((text: string, chosen: readonly UserSummary[]) => {
    if (conn && roomId) conn.local.saveDraft(roomId, text, chosen);
  }, [conn, roomId]);
  return { draft: read && read.roomId === roomId ? read.draft : undefined, save };
}
