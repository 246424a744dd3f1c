import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The lint rule in eslint.config.mjs that keeps HTML injection out of the code base. */
describe("lint: no HTML injection", () => {
  const eslint = new ESLint({ cwd: process.cwd() });
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
