"use client";

import { lazy, Suspense } from "react";
import type { UserSummary } from "@/server/contract/model";
import { isPlainMessage, PlainBody } from "./plain-body";

const loadMarkdown = () => import("./markdown-body");
const MarkdownBody = lazy(() => loadMarkdown().then((m) => ({ default: m.MarkdownBody })));

/**
 * A message's text. Plain text (most messages) is shown at once, without the Markdown
 * renderer; the renderer (markdown-body.tsx: react-markdown, micromark, linkify-it) is
 * loaded the first time a message needs it, which keeps it out of the page's first load.
 * Until it has loaded, such a message shows its text as typed.
 */
export function MessageBody({ text, people, selfId }: { text: string; people?: ReadonlyMap<string, UserSummary>; selfId?: string }) {
  if (isPlainMessage(text)) return <PlainBody text={text} />;
  return (
    <Suspense fallback={<PlainBody text={text} />}>
      <MarkdownBody text={text} people={people} selfId={selfId} />
    </Suspense>
  );
}

/** Starts loading the Markdown renderer (the composer does, once its user types formatting). */
export const preloadMarkdown = (): void => void loadMarkdown();
