import { describe, it, expect } from "vitest";
import { votePage } from "../../../bot/web/pages";
import { claimRecord } from "../../../scripts/lib/claim-record";

describe("the vote page's evidence link", () => {
  it("does not run a javascript: evidence URI chosen by the claimant", () => {
    const claim = claimRecord({ evidenceUri: "javascript:alert(document.domain)" });
    const html = votePage(claim, "stackswap", "approve", {});
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.some((h) => /^\s*javascript:/i.test(h))).toBe(false);
    expect(hrefs.every((h) => h.startsWith("https://") || h.startsWith("/"))).toBe(true);
    // Shown as text, escaped, and said not to be a link.
    expect(html).toContain('<span class="inert">javascript:alert(document.domain)</span> (not a link)');
  });
});
