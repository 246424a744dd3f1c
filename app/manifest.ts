import type { MetadataRoute } from "next";

/** The web app manifest: Parley can be installed, and opens at the room directory. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Parley",
    short_name: "Parley",
    description: "Real-time chat: rooms, mentions and unread counts, across tabs and flaky networks.",
    start_url: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#4f46e5",
    icons: [{ src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
  };
}
