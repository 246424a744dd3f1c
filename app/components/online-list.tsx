import type { UserSummary } from "@/server/contract/model";
import { Avatar } from "./avatar";
import { MessagePersonButton } from "./message-person";

/** The room's "Online" list: one entry per person, however many tabs they have open. */
export function OnlineList({ users, selfId, stale = false, peerId }: { users: UserSummary[]; selfId: string; stale?: boolean; peerId?: string }) {
  const sorted = [...users].sort((a, b) => (a.id === selfId ? -1 : b.id === selfId ? 1 : a.name.localeCompare(b.name)));
  return (
    <div className={`p-3 transition-opacity ${stale ? "opacity-50" : ""}`} title={stale ? "As of the last connection" : undefined}>
      <h2 id="online-heading" className="px-1 pb-2 text-xs font-semibold tracking-wide text-muted uppercase">
        Online — {users.length}
      </h2>
      <ul aria-label="Online" className="space-y-1">
        {sorted.map((u) => (
          <li key={u.id} className="flex items-center gap-2 rounded-md px-1 py-1 text-sm">
            <span className="relative">
              <Avatar user={u} size="sm" />
              <span aria-hidden="true" className="absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full border-2 border-white bg-emerald-500 dark:border-zinc-950" />
            </span>
            <span className="min-w-0 flex-1 truncate">
              {u.name}
              {u.id === selfId && <span className="ml-1 text-xs text-muted">(you)</span>}
            </span>
            {/* Everyone else, except the person this conversation already is with. */}
            {u.id !== selfId && u.id !== peerId && <MessagePersonButton person={u} selfId={selfId} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
