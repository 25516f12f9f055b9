import { describe, expect, it } from "vitest";
import { escapeHtml, html, renderPage } from "./html-pages.js";

describe("page helpers", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("escapes every interpolation but keeps nested html markup", () => {
    const name = `"><script>alert(1)</script>`;
    const out = html`<input value="${name}">${html`<b>${name}</b>`}${[html`<i>1</i>`, "<2>"]}${undefined}${false}`;
    expect(out.value).toBe(
      `<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">` +
        `<b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</b><i>1</i>&lt;2&gt;`,
    );
  });

  it("escapes the title of a page", () => {
    const page = renderPage({ title: "<Unsubscribe>", body: html`<p>ok</p>` });
    expect(page).toContain("<title>&lt;Unsubscribe&gt;</title>");
    expect(page).toContain("<h1>&lt;Unsubscribe&gt;</h1>");
    expect(page).not.toContain("<script");
  });
});
