"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";
import { isShown, type ChangeTarget, type PendingAttachment, type ShownEntry } from "@/app/lib/outbox";
import type { ReplyQuote } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NONE: ShownEntry[] = [];
const noop = () => () => {};

/**
 * The user's unacknowledged messages and changes for one room (pending or failed; not read
 * positions, which are not shown), and the calls that
 * queue, retry and discard them.
 *
 * @example
 * const { entries, send, retry, discard, edit, remove, react } = useOutbox(room?.id);
 */
export function useOutbox(roomId: string | undefined) {
  const conn = useConnection();
  const all = useSyncExternalStore(conn?.outbox.subscribe ?? noop, () => conn?.outbox.get() ?? NONE, () => NONE);
  const entries = useMemo(() => (roomId ? all.filter((e): e is ShownEntry => e.roomId === roomId && isShown(e)) : NONE), [all, roomId]);

  const send = useCallback(
    (body: string, replyTo?: ReplyQuote, attachments?: PendingAttachment[]) => {
      const text = body.trim();
      if (!conn || !roomId || (text.length === 0 && !attachments?.length)) return;
      void conn.outbox.add(roomId, text, replyTo, attachments);
    },
    [conn, roomId],
  );
  const retry = useCallback((clientId: string) => void conn?.outbox.retry(clientId), [conn]);
  const discard = useCallback((clientId: string) => void conn?.outbox.discard(clientId), [conn]);
  /** Edits, deletes or reacts to a message: queued like a message, sent in order. */
  const edit = useCallback((target: ChangeTarget, body: string) => void conn?.outbox.edit(target, body.trim()), [conn]);
  const remove = useCallback((target: ChangeTarget) => void conn?.outbox.remove(target), [conn]);
  const react = useCallback((target: ChangeTarget, emoji: string, add: boolean) => void conn?.outbox.react(target, emoji, add), [conn]);

  return { entries, send, retry, discard, edit, remove, react };
}
