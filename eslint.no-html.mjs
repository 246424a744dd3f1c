// Messages are text. Nothing in Parley may inject HTML into the page: the rule, shared by
// eslint.config.mjs and its test (app/no-html-injection.test.ts).
export const noHtmlInjection = {
  "no-restricted-syntax": [
    "error",
    {
      selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
      message: "dangerouslySetInnerHTML is forbidden in Parley: render text, never HTML.",
    },
    {
      selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]",
      message: "innerHTML/outerHTML are forbidden in Parley: render text, never HTML.",
    },
    {
      selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
      message: "insertAdjacentHTML is forbidden in Parley: render text, never HTML.",
    },
  ],
};
