export function searchStatement(request: { roomIds: string[]; terms: string[]; authorName?: string; cursor?: string; limit: number }): { sql: string; params: unknown[] };
export function validCursor(cursor: string): boolean;
export const SHORT_TERMS_WINDOW: number;
export const ROOM_SCAN_MAX: number;
export function scanStatement(request: { roomIds: string[]; authorName?: string; cursor?: string }): { sql: string; params: unknown[] };
export function matches(body: string, terms: string[]): boolean;
export function scansRooms(request: { roomIds: string[]; terms: string[] }, messagesIn: number): boolean;
export const FEW_ROOMS: number;
