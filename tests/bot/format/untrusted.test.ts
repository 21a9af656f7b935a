import { describe, it, expect } from "vitest";
import { discordText, discordLink, safeLinkTarget } from "../../../bot/format/untrusted";

describe("discordText", () => {
  it("escapes markdown so a description cannot fake a masked link, a header or a spoiler", () => {
    const shown = discordText("**URGENT** [Official refund portal](https://phish.example) ||x|| # Header");
    expect(shown).not.toMatch(/(?<!\\)\[Official refund portal\]\(/);
    expect(shown).toContain("\\*\\*URGENT\\*\\*");
    expect(shown).toContain("\\|\\|x\\|\\|");
    expect(shown).not.toContain("https://");
  });

  it("neutralises @everyone, @here, user, role and channel mentions", () => {
    const shown = discordText("@everyone @here <@123456789012345678> <@&123456789012345678> <#123456789012345678>");
    for (const mention of [
      "@everyone",
      "@here",
      "<@123456789012345678>",
      "<@&123456789012345678>",
      "<#123456789012345678>",
    ]) {
      expect(shown).not.toContain(mention);
    }
  });

  it("drops direction overrides and zero-width characters, and cuts long text with an ellipsis", () => {
    expect(discordText("safe\u202Eexe.txt\u200b")).toBe("safeexe.txt");
    const long = discordText("a".repeat(280), 100);
    expect(long).toHaveLength(100);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("discordLink", () => {
  it("links only https, and ipfs through the gateway", () => {
    expect(safeLinkTarget("https://evidence.example/a.tar.gz")).toBe("https://evidence.example/a.tar.gz");
    expect(safeLinkTarget("ipfs://bafybeigdyrzt")).toBe("https://ipfs.io/ipfs/bafybeigdyrzt");
    for (const hostile of [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(1)",
      "data:text/html,<script>x</script>",
      "vbscript:x",
      "http://plain.example",
      "not a url",
    ]) {
      expect(safeLinkTarget(hostile)).toBeNull();
      expect(discordLink("bundle", hostile)).not.toMatch(/\]\(/);
    }
  });

  it("keeps a URI that tries to close its link and open a second one inside the one link", () => {
    const shown = discordLink("bundle", "https://a.example/x) - [Verified by the team](https://phish.example/");
    expect(shown.match(/\]\(/g)).toHaveLength(1);
    expect(shown.startsWith("[bundle](https://a.example/x%29")).toBe(true);
    // One closing parenthesis, the link's own, at the very end.
    expect(shown.indexOf(")")).toBe(shown.length - 1);
  });
});
