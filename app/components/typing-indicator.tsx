import type { UserSummary } from "@/server/contract/model";

export function typingText(users: UserSummary[]): string {
  if (users.length === 0) return "";
  if (users.length === 1) return `${users[0]!.name} is typing`;
  if (users.length === 2) return `${users[0]!.name} and ${users[1]!.name} are typing`;
  return "Several people are typing";
}

/** "<name> is typing" under the log; the line keeps its height so nothing jumps. */
export function TypingIndicator({ users }: { users: UserSummary[] }) {
  const text = typingText(users);
  return (
    <div aria-live="polite" className="h-6 shrink-0 px-4 text-xs text-muted">
      {text && (
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-flex gap-0.5">
            <span className="size-1 animate-bounce rounded-full bg-zinc-400 [animation-delay:-0.3s]" />
            <span className="size-1 animate-bounce rounded-full bg-zinc-400 [animation-delay:-0.15s]" />
            <span className="size-1 animate-bounce rounded-full bg-zinc-400" />
          </span>
          {text}…
        </span>
      )}
    </div>
  );
}
