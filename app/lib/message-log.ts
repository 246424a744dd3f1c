/**
 * A room's message log on the client, as plain data with pure operations, so merge rules
 * are unit-tested without React (`message-log.test.ts`).
 *
 * - Confirmed messages are ordered by their server sequence number, never by a clock, and
 *   each seq appears once however many times it arrives (broadcast, ack, history, catch-up).
 * - The user's own messages that are not yet acknowledged live in `local`, in the order they
 *   were typed, shown after the confirmed ones. When the server's copy arrives (by ack or by
 *   broadcast), the local echo with the same clientId is replaced by it: never shown twice.
 */
import type { ChatMessage, UserSummary } from "@/server/contract/model";

export type MessageStatus = "pending" | "sent" | "failed";

export interface LocalMessage {
  clientId: string;
  roomId: string;
  author: UserSummary;
  body: string;
  createdAt: string;
  status: "pending" | "failed";
  error?: string;
}

export interface MessageLog {
  confirmed: ChatMessage[];
  local: LocalMessage[];
  /** Older history exists on the server before confirmed[0]. */
  hasOlder: boolean;
}

export interface LogItem {
  key: string;
  seq: number | null;
  clientId: string;
  author: UserSummary;
  body: string;
  createdAt: string;
  /** Set on the viewer's own messages only. */
  status?: MessageStatus;
  error?: string;
}

export const emptyLog: MessageLog = { confirmed: [], local: [], hasOlder: false };

/** The highest seq held, or 0. */
export function newestSeq(log: MessageLog): number {
  return log.confirmed.at(-1)?.seq ?? 0;
}

/** The lowest seq held, or undefined when the log is empty. */
export function oldestSeq(log: MessageLog): number | undefined {
  return log.confirmed[0]?.seq;
}

/**
 * Merges server messages in, whatever their order or overlap with what is held.
 * Returns the same object when nothing changed, so React can skip a render.
 */
export function mergeConfirmed(log: MessageLog, incoming: readonly ChatMessage[]): MessageLog {
  if (incoming.length === 0) return log;
  const bySeq = new Map<number, ChatMessage>();
  for (const m of log.confirmed) bySeq.set(m.seq, m);
  let added = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      added = true;
    }
  }
  const arrived = new Set(incoming.map((m) => `${m.author.id}\u0000${m.clientId}`));
  const local = log.local.filter((l) => !arrived.has(`${l.author.id}\u0000${l.clientId}`));
  if (!added && local.length === log.local.length) return log;
  const confirmed = added ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : log.confirmed;
  return { ...log, confirmed, local };
}

/** Adds an older page (from `message:history` with `before`) and records whether more exist. */
export function mergeOlderPage(log: MessageLog, page: readonly ChatMessage[], hasMore: boolean): MessageLog {
  return { ...mergeConfirmed(log, page), hasOlder: hasMore };
}

export function addLocal(log: MessageLog, message: LocalMessage): MessageLog {
  return { ...log, local: [...log.local, message] };
}

export function updateLocal(
  log: MessageLog,
  clientId: string,
  change: Pick<LocalMessage, "status"> & { error?: string },
): MessageLog {
  if (!log.local.some((l) => l.clientId === clientId)) return log;
  return {
    ...log,
    local: log.local.map((l) => (l.clientId === clientId ? { ...l, status: change.status, error: change.error } : l)),
  };
}

export function removeLocal(log: MessageLog, clientId: string): MessageLog {
  return { ...log, local: log.local.filter((l) => l.clientId !== clientId) };
}

/** What to render, oldest first: confirmed by seq, then the viewer's unacknowledged messages. */
export function logItems(log: MessageLog, selfId: string): LogItem[] {
  const items: LogItem[] = log.confirmed.map((m) => ({
    key: m.id,
    seq: m.seq,
    clientId: m.clientId,
    author: m.author,
    body: m.body,
    createdAt: m.createdAt,
    status: m.author.id === selfId ? "sent" : undefined,
  }));
  for (const l of log.local) {
    items.push({
      key: `local:${l.clientId}`,
      seq: null,
      clientId: l.clientId,
      author: l.author,
      body: l.body,
      createdAt: l.createdAt,
      status: l.status,
      error: l.error,
    });
  }
  return items;
}
