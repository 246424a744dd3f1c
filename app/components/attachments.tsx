"use client";

import { useEffect, useMemo, useState } from "react";
import type { UploadState } from "@/app/lib/uploads";
import { fileUrl, formatBytes, thumbnailUrl, type Attachment } from "@/server/contract/files";

/** "PDF", "PNG", "ZIP": a type as people name it, from the media type or the name. */
export function fileKind(a: Pick<Attachment, "name" | "type">): string {
  const sub = a.type.split("/")[1] ?? "";
  const known: Record<string, string> = { pdf: "PDF", zip: "ZIP", "x-7z-compressed": "7Z", gzip: "GZIP", "vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX" };
  if (known[sub]) return known[sub];
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(a.name)?.[1];
  if (a.type.startsWith("image/") || a.type.startsWith("audio/") || a.type.startsWith("video/")) return sub.toUpperCase();
  return ext ? ext.toUpperCase() : "File";
}

function FileIcon() {
  return (
    <svg viewBox="0 0 20 20" className="size-8 shrink-0 text-accent-600 dark:text-accent-400" fill="currentColor" aria-hidden="true">
      <path d="M5 2a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7.4a2 2 0 0 0-.6-1.4l-3.4-3.4A2 2 0 0 0 11.6 2H5zm6 1.5V6a1 1 0 0 0 1 1h2.5L11 3.5z" />
    </svg>
  );
}

/** A progress bar named "Uploading <file name>" (the UI contract), or what holds the file back. */
export function UploadProgress({ upload }: { upload: UploadState }) {
  if (upload.status === "refused") return <span className="text-xs text-red-700 dark:text-red-400">Not accepted: {upload.error}</span>;
  if (upload.status === "uploaded") return null;
  const percent = Math.round(upload.progress * 100);
  return (
    <span className="flex items-center gap-2">
      <span
        role="progressbar"
        aria-label={`Uploading ${upload.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="block h-1.5 w-24 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700"
      >
        <span className="block h-full bg-accent-600 transition-[width] dark:bg-accent-400" style={{ width: `${percent}%` }} />
      </span>
      <span className="text-[11px] text-muted">{upload.status === "waiting" ? "Waiting for the connection" : percent >= 100 ? "Processing…" : `${percent} %`}</span>
    </span>
  );
}

/**
 * A message's files: images inline as thumbnails at their stored size (nothing jumps as they
 * load; activating one opens it full size), every other file a card with its name (the link
 * that downloads it), type and size. Files of a message still waiting show their upload.
 */
export function MessageAttachments({ attachments, uploads }: { attachments: readonly Attachment[]; uploads?: ReadonlyMap<string, UploadState> }) {
  return (
    <ul className="mt-1 flex flex-wrap items-start gap-2">
      {attachments.map((a) => {
        const upload = uploads?.get(a.id);
        if (a.image && !upload) {
          // Shown at most 400×300 CSS pixels (the thumbnail has twice that for dense screens), narrower on a phone.
          const scale = Math.min(1, 400 / a.image.thumbWidth, 300 / a.image.thumbHeight);
          const width = Math.max(1, Math.round(a.image.thumbWidth * scale));
          return (
            <li key={a.id} className="max-w-full">
              <a href={fileUrl(a.id)} target="_blank" rel="noopener" className="block max-w-full overflow-hidden rounded-lg border border-zinc-200 focus-visible:ring-2 focus-visible:ring-accent-500 dark:border-zinc-700">
                {/* eslint-disable-next-line @next/next/no-img-element -- a private, access-checked file: not for Next's image optimiser */}
                <img
                  src={thumbnailUrl(a.id)}
                  alt={a.name}
                  width={a.image.thumbWidth}
                  height={a.image.thumbHeight}
                  loading="lazy"
                  decoding="async"
                  style={{ width }}
                  className="block h-auto max-w-full bg-zinc-100 dark:bg-zinc-800"
                />
              </a>
            </li>
          );
        }
        return (
          <li key={a.id} className="flex max-w-xs min-w-48 items-center gap-2.5 rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900">
            <FileIcon />
            <span className="min-w-0 flex-1">
              {upload ? (
                <span className="block truncate text-sm font-medium">{a.name}</span>
              ) : (
                <a href={`${fileUrl(a.id)}?download`} download={a.name} className="block truncate text-sm font-medium text-accent-700 hover:underline dark:text-accent-400">
                  {a.name}
                </a>
              )}
              <span className="block text-[11px] text-muted">
                {fileKind(a)} · {formatBytes(a.size)}
              </span>
              {upload && <UploadProgress upload={upload} />}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** A local preview of an image being attached (an object URL, revoked when it goes). */
export function LocalPreview({ file, name }: { file: Blob | undefined; name: string }) {
  const url = useMemo(() => (file && file.type.startsWith("image/") ? URL.createObjectURL(file) : null), [file]);
  const [failed, setFailed] = useState(false);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  if (!url || failed) return <FileIcon />;
  // eslint-disable-next-line @next/next/no-img-element -- a blob: URL of the user's own file
  return <img src={url} alt="" onError={() => setFailed(true)} className="size-8 shrink-0 rounded object-cover" data-name={name} />;
}
