"use client";

import { useEffect } from "react";
import { StatusPage } from "./components/status-page";

/** A page that failed while rendering: say so, and offer to try again. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <>
      <title>Something went wrong · Parley</title>
      <StatusPage
        title="Something went wrong"
        action={
          <button
            type="button"
            onClick={reset}
            className="rounded-md bg-accent-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-700"
          >
            Try again
          </button>
        }
      >
        <p>This page could not be shown. Your messages are safe: anything you wrote is kept and sent when the page works again.</p>
        {error.digest && <p>Reference: {error.digest}</p>}
      </StatusPage>
    </>
  );
}
