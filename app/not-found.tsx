import type { Metadata } from "next";
import { StatusPage } from "./components/status-page";

export const metadata: Metadata = { title: "Page not found · Parley" };

/** Any address Parley does not know (rooms live at /r/<name>). */
export default function NotFound() {
  return (
    <StatusPage title="Page not found">
      <p>There is nothing at this address. Rooms live at addresses like /r/general.</p>
    </StatusPage>
  );
}
