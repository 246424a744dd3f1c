export function searchStatement(request: { roomIds: string[]; terms: string[]; authorName?: string; cursor?: string; limit: number }): { sql: string; params: unknown[] };
export function validCursor(cursor: string): boolean;
export const SHORT_TERMS_WINDOW: number;
