import { SettingsApp } from "@/app/components/settings-app";

export const metadata = { title: "Settings · Parley" };

export default function SettingsPage() {
  return <SettingsApp />;
}
