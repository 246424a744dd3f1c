import { ChatApp } from "@/app/components/chat-app";

export default async function RoomPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ invite?: string | string[] }>;
}) {
  const { slug } = await params;
  const { invite } = await searchParams;
  return <ChatApp slug={decodeURIComponent(slug)} invite={typeof invite === "string" ? invite : undefined} />;
}
