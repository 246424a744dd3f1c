import type { ReportReason } from "@/server/contract/model";

/** What each reason of a report is called, in the report dialog and the moderators' queue. */
export const REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam or scam",
  abuse: "Harassment or hate",
  explicit: "Sexual or violent content",
  other: "Something else",
};
