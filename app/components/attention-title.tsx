"use client";

import { useEffect, useMemo } from "react";
import { unreadOf } from "@/app/lib/attention";
import { useAttention } from "@/app/hooks/use-attention";

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/><path d="M9 10h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-7l-5 4v-4H9a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fff"/>`;
/** app/icon.svg with a red dot in its corner: something is unread. */
const ICON_WITH_DOT = `data:image/svg+xml,${encodeURIComponent(`${ICON}<circle cx="25" cy="7" r="6.5" fill="#dc2626" stroke="#fff" stroke-width="2"/></svg>`)}`;

/**
 * The document's title, prefixed with the total unread count ("(3) General · Parley"), and
 * the favicon, with a dot while anything is unread: the tab says so even when it is not the
 * one in front.
 */
export function AttentionTitle({ name }: { name?: string }) {
  const { rooms } = useAttention();
  const total = useMemo(() => [...rooms.values()].reduce((n, s) => n + unreadOf(s), 0), [rooms]);
  useEffect(() => {
    const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')];
    for (const link of links) {
      link.dataset.plain ??= link.href;
      link.href = total > 0 ? ICON_WITH_DOT : link.dataset.plain;
    }
  }, [total]);
  const base = name ? `${name} · Parley` : "Parley";
  return <title>{total > 0 ? `(${total}) ${base}` : base}</title>;
}
