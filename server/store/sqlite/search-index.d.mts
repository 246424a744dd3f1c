import type Database from "better-sqlite3";
export function searchIndexUpkeep(sqlite: Database.Database): { anyNoted(): boolean; indexNoted(limit?: number): number; mergeSlice(pages: number): boolean };
export const DROP_SEARCH_INDEX: string[];
export const DROP_SEARCH_TRIGGERS: string[];
export const ANY_NOTED: string;
