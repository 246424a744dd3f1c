"use client";

import "./globals.css";

/**
 * The root layout itself failed: this replaces the whole document, so it brings its own
 * <html> and <body>, and no providers.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Something went wrong · Parley</title>
        <main className="grid min-h-dvh place-items-center p-6">
          <div className="w-full max-w-sm space-y-4 text-center">
            <h1 className="text-xl font-semibold">Parley could not start</h1>
            <p className="text-sm text-muted">Something went wrong while loading the page. Try again, or reload in a moment.</p>
            {error.digest && <p className="text-sm text-muted">Reference: {error.digest}</p>}
            <div className="flex items-center justify-center gap-3">
              <button
                type="button"
                onClick={reset}
                className="rounded-md bg-accent-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-700"
              >
                Try again
              </button>
              {/* A plain link: a full reload, since the app's own navigation is what failed. */}
              {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
              <a href="/" className="rounded-md px-3 py-1.5 text-sm font-medium text-accent-600 hover:underline dark:text-accent-400">
                Reload Parley
              </a>
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}
