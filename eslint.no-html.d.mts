/** Types for eslint.no-html.mjs. */
import type { Linter } from "eslint";
export const noHtmlInjection: Linter.RulesRecord;
