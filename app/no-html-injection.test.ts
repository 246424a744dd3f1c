import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { noHtmlInjection } from "../eslint.no-html.mjs";

/**
 * The lint rule that keeps HTML injection out of the code base (eslint.config.mjs spreads
 * the same object), run alone: loading the whole project configuration (Next's, jsx-a11y's,
 * the import plugin's) costs seconds that a busy machine turns into a timeout.
 */
describe("lint: no HTML injection", () => {
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.tsx"],
        languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
        rules: noHtmlInjection,
      },
    ],
  });
  const lint = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: "app/components/example.tsx" });
    return result!.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
  };

  it("refuses dangerouslySetInnerHTML, innerHTML and insertAdjacentHTML", async () => {
    expect(await lint(`export const A = ({ b }: { b: string }) => <p dangerouslySetInnerHTML={{ __html: b }} />;`)).toEqual([
      "dangerouslySetInnerHTML is forbidden in Parley: render text, never HTML.",
    ]);
    expect(await lint(`export function f(el: HTMLElement, s: string) { el.innerHTML = s; }`)).toHaveLength(1);
    expect(await lint(`export function f(el: HTMLElement, s: string) { el.insertAdjacentHTML("beforeend", s); }`)).toHaveLength(1);
  });

  it("accepts text rendering", async () => {
    expect(await lint(`export const A = ({ b }: { b: string }) => <p>{b}</p>;`)).toEqual([]);
  });
});
