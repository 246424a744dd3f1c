"use client";

import { onDemand } from "./on-demand";

/**
 * The room page's dialogs, each loaded the first time it opens (Radix's dialog code and
 * theirs are not part of the page's first load). The administration page imports the
 * dialogs themselves.
 */
export const DeleteMessageDialog = onDemand(() => import("./delete-message-dialog").then((m) => m.DeleteMessageDialog), (p) => p.open);
export const ActionDialog = onDemand(() => import("./action-dialog").then((m) => m.ActionDialog), (p) => p.open);
export const ReportDialog = onDemand(() => import("./report-dialog").then((m) => m.ReportDialog), (p) => p.target !== null);
export const SanctionDialog = onDemand(() => import("./sanction-dialog").then((m) => m.SanctionDialog));
