// Lint: Next's rules (React, hooks, Core Web Vitals), every recommended jsx-a11y rule,
// TypeScript's recommended rules, declared dependencies only, and Parley's own line against
// HTML injection.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import jsxA11y from "eslint-plugin-jsx-a11y";
import tseslint from "typescript-eslint";
import { noHtmlInjection } from "./eslint.no-html.mjs";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "dist/", "generated/", "scratch/", "test-results/", "playwright-report/", "next-env.d.ts", "public/sw.js"] },
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
    // The layers import down only (docs/architecture.md, "Layers"): a refactor that breaks
    // the structure fails here, not in review. Tests may reach across (memory stores, helpers).
    files: ["server/**/*.{ts,mts,mjs}"],
    ignores: ["**/*.test.ts", "server/test/**"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: "./server/contract", from: "./server", except: ["./contract"], message: "The contract is shared with the browser: it imports nothing else of the server." },
            { target: "./server/domain", from: "./server/store", except: ["./ports.ts", "./unavailable.ts", "./batch.ts"], message: "The domain imports the store's ports, never an engine's store." },
            { target: "./server/domain", from: ["./server/realtime", "./server/socket", "./server/gateway", "./server/http", "./server/push"], message: "The domain knows no transport." },
            {
              target: "./server/store",
              from: ["./server/domain", "./server/realtime", "./server/socket", "./server/gateway", "./server/http", "./server/push", "./server/security"],
              message: "The store imports down only: its ports, the contract, configuration.",
            },
            { target: "./server/realtime", from: ["./server/socket", "./server/gateway", "./server/http"], message: "The hub knows no transport: the transports import it." },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "import/no-restricted-paths": ["error", { zones: [{ target: "./app", from: "./server", except: ["./contract"], message: "The browser imports the server's contract only." }] }],
    },
  },
  {
    // Playwright's fixtures call their continuation `use`: not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
);
