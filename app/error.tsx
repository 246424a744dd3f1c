"use client";

import { useEffect } from "react";
import { StatusPage } from "./components/status-page";
import { TryAgain } from "./components/try-again";

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
        action={<TryAgain onClick={reset} />}
      >
        <p>This page could not be shown. Your messages are safe: anything you wrote is kept and sent when the page works again.</p>
        {error.digest && <p>Reference: {error.digest}</p>}
      </StatusPage>
    </>
  );
}
