import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { html, htmlLink, jsonScript, pathSegment, raw } from "../../../bot/web/html";

describe("html, the one way pages are written", () => {
  it("escapes every interpolated string, and never an html fragment", () => {
    const hostile = `<script>alert("x")</script>' onload='y' &amp;`;
    expect(html`<p title="${hostile}">${hostile}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;y&#39; &amp;amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;y&#39; &amp;amp;</p>',
    );
    expect(html`<div>${html`<b>${"<i>"}</b>`}</div>`.text).toBe("<div><b>&lt;i&gt;</b></div>");
    expect(html`${[html`<li>a</li>`, "<li>b</li>"]}`.text).toBe("<li>a</li>&lt;li&gt;b&lt;/li&gt;");
    expect(html`${null}${undefined}${false}${0}${10n}`.text).toBe("010");
    expect(html`${raw("<hr>")}`.text).toBe("<hr>");
  });

  it("never lets any string open a tag or leave an attribute (property)", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = html`<a title="${text}">${text}</a>`.text;
        const inner = out.slice('<a title="'.length, -"</a>".length);
        expect(inner.includes("<") || inner.split('"').length !== 2).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("drops direction overrides and isolates from text", () => {
    expect(html`${"gnp\u202E.exe\u2066x\u2069"}`.text).toBe("gnp.exex");
  });

  it("links only https (and ipfs through the gateway); anything else is inert text", () => {
    expect(htmlLink("report", "https://a.example/r.pdf").text).toBe(
      '<a href="https://a.example/r.pdf" rel="noopener noreferrer">report</a>',
    );
    for (const uri of ["javascript:alert(1)", "data:text/html,x", "http://a.example", "vbscript:x", "//a.example"]) {
      expect(htmlLink("x", uri).text).not.toContain("href");
    }
    expect(htmlLink("e", "ipfs://bafy").text).toContain('href="https://ipfs.io/ipfs/bafy"');
  });

  it("writes page configuration as JSON that no value can close", () => {
    const block = jsonScript("page-config", { name: "</script><script>alert(1)</script>", amount: 5n }).text;
    expect(block).not.toContain("</script><script>");
    const json = block.slice(block.indexOf(">") + 1, block.lastIndexOf("</script>"));
    expect(JSON.parse(json)).toEqual({ name: "</script><script>alert(1)</script>", amount: "5" });
  });

  it("encodes a path segment so Markdown and URLs read it as one segment", () => {
    expect(pathSegment("a)b(c!d'e*f/g h")).toBe("a%29b%28c%21d%27e%2Af%2Fg%20h");
  });
});
