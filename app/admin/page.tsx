import { AdminApp } from "@/app/components/admin-app";

export const metadata = { title: "Administration · Parley" };

/** Administrators only: the server answers anyone else with the not-found page (server/http/admin-gate.ts). */
export default function AdminPage() {
  return <AdminApp />;
}
