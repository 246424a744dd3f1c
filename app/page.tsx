import { ChatApp } from "./components/chat-app";

export const metadata = { title: "Parley" };

export default function HomePage() {
  return <ChatApp />;
}
