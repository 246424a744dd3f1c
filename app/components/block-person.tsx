"use client";

import { useState } from "react";
import type { UserSummary } from "@/server/contract/model";
import { useBlocks } from "@/app/hooks/use-blocks";

/**
 * In a direct conversation: block (or unblock) the other person. Blocked, neither can write
 * here, and their messages are folded away in rooms.
 */
export function BlockPerson({ person }: { person: UserSummary }) {
  const { blocked, change } = useBlocks();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const isBlocked = blocked.some((u) => u.id === person.id);
  const toggle = async () => {
    if (!isBlocked && !confirming) return setConfirming(true);
    setConfirming(false);
    setError(await change(person.id, !isBlocked));
  };
  return (
    <section aria-label="Blocking" className="space-y-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
      {isBlocked && <p className="text-xs text-muted">You blocked {person.name}. Neither of you can write here.</p>}
      <button
        type="button"
        onClick={() => void toggle()}
        className="w-full rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50 dark:border-red-900 dark:text-red-400 dark:hover:bg-red-950"
      >
        {isBlocked ? `Unblock ${person.name}` : confirming ? `Block ${person.name}? Click again` : `Block ${person.name}`}
      </button>
      {error && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </section>
  );
}
