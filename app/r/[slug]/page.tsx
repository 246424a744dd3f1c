import { ChatApp } from "@/app/components/chat-app";

export default async function RoomPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ChatApp slug={decodeURIComponent(slug)} />;
}
