/**
 * Files as they travel: a message's attachments, the upload's answer, where a file is read,
 * and the limits the UI checks before uploading (the server checks them again).
 */

/** A file attached to a message, as written once by the append (server/files/). */
export interface Attachment {
  /** The id the client chose for the upload (a UUID). */
  id: string;
  /** The name as uploaded. */
  name: string;
  /** The media type sniffed from its bytes (`application/octet-stream` when unknown). */
  type: string;
  /** Bytes. */
  size: number;
  /**
   * Present for an image shown inline (PNG, JPEG, GIF or WebP under the pixel limit): its
   * size with EXIF orientation applied, and its thumbnail's, so that nothing jumps as it loads.
   */
  image?: { width: number; height: number; thumbWidth: number; thumbHeight: number };
}

/** Where a file's bytes are read (a session cookie or a bot's token is needed, and access to its room). */
export const fileUrl = (id: string) => `/api/files/${encodeURIComponent(id)}`;
/** An image's thumbnail (WebP). */
export const thumbnailUrl = (id: string) => `/api/files/${encodeURIComponent(id)}/thumbnail`;

/** The only types ever shown inline; every other file is served as a download. */
export const INLINE_IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/** The limits' defaults (the server's are configurable: README). */
export const FILE_LIMIT_DEFAULTS = {
  /** Largest file, in bytes. */
  fileBytes: 25 * 1024 * 1024,
  /** Files one message may carry. */
  filesPerMessage: 10,
  /** The most any configuration allows per message (the wire schema's bound). */
  filesPerMessageCap: 50,
  /** What one person's files may take together. */
  quotaBytes: 1024 * 1024 * 1024,
  /** Uploads per person per minute. */
  uploadsPerMinute: 30,
  /** Largest image (width × height) that gets a thumbnail; a larger one is a file card. */
  imagePixels: 50_000_000,
} as const;

/** What a server tells its browsers of its limits (`GET /api/files/limits`). */
export interface FileLimits {
  fileBytes: number;
  filesPerMessage: number;
  /** False when the reader is a guest and guests may not upload. */
  mayUpload: boolean;
}

/** "1.5 MB": a size as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * What stands for a message's files where only text fits (a reply's quote, a notification, a
 * push): "📎 photo.png, report.pdf", the first three named.
 */
export function describeAttachments(attachments: readonly Pick<Attachment, "name">[] | undefined): string {
  if (!attachments || attachments.length === 0) return "";
  const names = attachments.slice(0, 3).map((a) => a.name);
  const more = attachments.length > 3 ? ` and ${attachments.length - 3} more` : "";
  return `📎 ${names.join(", ")}${more}`;
}
