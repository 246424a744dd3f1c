"use client";

import { useRouter } from "next/navigation";
import { canHaveDirect, directRoomId } from "@/server/contract/direct";
import type { UserSummary } from "@/server/contract/model";

/**
 * "Message <name>": opens the direct conversation with that person. Opening creates
 * nothing; the first message does (server/contract/direct.ts), so this works offline too.
 */
export function MessagePersonButton({ person, selfId }: { person: UserSummary; selfId: string }) {
  const router = useRouter();
  if (!canHaveDirect(person.id) || !canHaveDirect(selfId)) return null;
  return (
    <button
      type="button"
      onClick={() => router.push(`/r/${directRoomId(selfId, person.id)}`)}
      aria-label={`Message ${person.name}`}
      title={`Message ${person.name}`}
      className="shrink-0 rounded p-1 text-muted hover:bg-zinc-200/60 hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-accent-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
    >
      <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
        <path d="M3 5.5A2.5 2.5 0 0 1 5.5 3h9A2.5 2.5 0 0 1 17 5.5v6a2.5 2.5 0 0 1-2.5 2.5H9.2l-3.4 2.7A.5.5 0 0 1 5 16.3V14h.5A2.5 2.5 0 0 1 3 11.5v-6Z" />
      </svg>
    </button>
  );
}
