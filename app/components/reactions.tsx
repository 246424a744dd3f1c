import type { ReactionSummary } from "@/server/contract/model";

/** Names for a tooltip: "Ada, Bob and 3 others". */
function who(users: ReactionSummary["users"], selfId: string): string {
  const names = users.map((u) => (u.id === selfId ? "you" : u.name));
  if (names.length <= 3) return names.join(", ").replace(/, ([^,]*)$/, " and $1");
  return `${names.slice(0, 3).join(", ")} and ${names.length - 3} others`;
}

/**
 * A message's reactions: one button per emoji, named "<emoji> <count>", pressed when one
 * of them is the viewer's. Activating it adds or takes back the viewer's; who reacted is its
 * title: a tooltip on hover, and its accessible description for screen readers.
 */
export function Reactions({ reactions, selfId, onToggle }: { reactions: ReactionSummary[]; selfId: string; onToggle(emoji: string, add: boolean): void }) {
  return (
    <ul className="mt-1 flex flex-wrap gap-1" aria-label="Reactions">
      {reactions.map((r) => {
        const mine = r.users.some((u) => u.id === selfId);
        const names = `${who(r.users, selfId)} reacted with ${r.emoji}`;
        return (
          <li key={r.emoji}>
            <button
              type="button"
              aria-pressed={mine}
              aria-label={`${r.emoji} ${r.users.length}`}
              title={names}
              onClick={() => onToggle(r.emoji, !mine)}
              className={`inline-flex h-6 items-center gap-1 rounded-full border px-2 text-xs tabular-nums ${
                mine
                  ? "border-accent-500 bg-accent-50 text-accent-700 dark:border-accent-400 dark:bg-accent-600/20 dark:text-accent-100"
                  : "border-zinc-200 bg-white text-zinc-700 hover:border-zinc-300 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200"
              }`}
            >
              <span aria-hidden="true">{r.emoji}</span>
              <span aria-hidden="true">{r.users.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
