import { linkify } from "@/app/lib/linkify";

/**
 * Message text with http(s) links made clickable and bidi control characters shown as their
 * code points. Rendered as text nodes: no HTML is ever injected.
 */
export function LinkifiedText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.href ? (
          <a
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="text-accent-600 underline decoration-accent-600/30 underline-offset-2 hover:decoration-accent-600 dark:text-accent-400"
          >
            {part.text}
          </a>
        ) : part.control ? (
          <span
            key={i}
            title="Bidirectional control character, shown so that it cannot reorder the text"
            className="mx-0.5 rounded bg-amber-100 px-1 font-mono text-[11px] text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
          >
            {part.control}
          </span>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
