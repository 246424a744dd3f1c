/** The "Message actions" button's look, the same before and after the menu's code has loaded. */
export const TRIGGER =
  "grid size-7 place-items-center rounded-md border border-zinc-200 bg-white text-muted opacity-0 shadow-xs group-hover:opacity-100 group-focus-within:opacity-100 hover:text-zinc-900 focus-visible:opacity-100 data-[state=open]:opacity-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:text-zinc-100 [@media(hover:none)]:opacity-100";

export function DotsIcon() {
  return (
    <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
      <circle cx="4.5" cy="10" r="1.5" />
      <circle cx="10" cy="10" r="1.5" />
      <circle cx="15.5" cy="10" r="1.5" />
    </svg>
  );
}
