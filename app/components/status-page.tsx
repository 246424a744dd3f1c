import type { ReactNode } from "react";
import { Logo } from "./logo";

/**
 * A page of its own for something that went wrong (an unknown address, an error): Parley's
 * look, one heading, what happened, and a way on. The way on is a plain link: after an
 * error a whole new page is the surest start, and the error pages (part of every page's
 * first load) then carry no copy of Next's client-side link.
 */
export function StatusPage({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <main className="grid min-h-dvh place-items-center p-6">
      <div className="w-full max-w-sm space-y-4 text-center">
        <Logo className="mx-auto size-10" />
        <h1 className="text-xl font-semibold">{title}</h1>
        <div className="space-y-2 text-sm text-muted">{children}</div>
        <div className="flex items-center justify-center gap-3">
          {action}
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load on purpose (above) */}
          <a href="/" className="rounded-md px-3 py-1.5 text-sm font-medium text-accent-600 hover:underline dark:text-accent-400">
            Go to the room directory
          </a>
        </div>
      </div>
    </main>
  );
}
