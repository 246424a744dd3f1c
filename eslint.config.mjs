// Lint: Next's rules (React, hooks, Core Web Vitals), every recommended jsx-a11y rule,
// TypeScript's recommended rules, declared dependencies only, and Parley's own line against
// HTML injection.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import jsxA11y from "eslint-plugin-jsx-a11y";
import tseslint from "typescript-eslint";
import { noHtmlInjection } from "./eslint.no-html.mjs";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "dist/", "generated/", "scratch/", "test-results/", "playwright-report/", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTypescript,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    settings: { "import/core-modules": [], "import/internal-regex": "^@/" },
    rules: {
      // eslint-config-next registers the plugin and a few of its rules; Parley wants them all.
      ...jsxA11y.flatConfigs.recommended.rules,
      // Every package a file imports is declared in package.json (none that resolve only
      // because another package brought them in).
      "import/no-extraneous-dependencies": ["error", { devDependencies: true, includeTypes: true }],
      ...noHtmlInjection,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // Playwright's fixtures call their continuation `use`: not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
);
