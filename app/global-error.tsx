"use client";

import { StatusPage } from "./components/status-page";
import { TryAgain } from "./components/try-again";
import "./globals.css";

/**
 * The root layout itself failed: this replaces the whole document, so it brings its own
 * <html> and <body>, and no providers; the page is the same as error.tsx's.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Something went wrong · Parley</title>
        <StatusPage title="Parley could not start" action={<TryAgain onClick={reset} />}>
          <p>Something went wrong while loading the page. Try again, or reload in a moment.</p>
          {error.digest && <p>Reference: {error.digest}</p>}
        </StatusPage>
      </body>
    </html>
  );
}
