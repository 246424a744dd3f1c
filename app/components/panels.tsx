"use client";

import { onDemand } from "./on-demand";

/**
 * The room page's panels that most visits do not show, each loaded the first time it is:
 * the owner's settings and invitations, the moderators' reports and sanctions, a direct
 * conversation's "Block", a room's members list, a guest's account upgrade.
 */
export const RoomSettings = onDemand(() => import("./room-settings").then((m) => m.RoomSettings));
export const InvitePanel = onDemand(() => import("./room-settings").then((m) => m.InvitePanel));
export const ReportQueue = onDemand(() => import("./report-queue").then((m) => m.ReportQueue));
export const RoomSanctions = onDemand(() => import("./room-sanctions").then((m) => m.RoomSanctions));
export const RoomMembers = onDemand(() => import("./room-members").then((m) => m.RoomMembers));
export const BlockPerson = onDemand(() => import("./block-person").then((m) => m.BlockPerson));
export const AccountUpgrade = onDemand(() => import("./account-upgrade").then((m) => m.AccountUpgrade));
