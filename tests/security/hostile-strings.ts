/**
 * Strings an attacker would put on-chain, as a protocol's website, source URL or chain, or as a claim's
 * description or evidence URI. Each surface must show them as inert text (or, for an https URI, as one
 * link that cannot break out). Names are not here: the registry accepts only [a-z0-9-] names.
 */
const LONG_WORD = "A".repeat(280);

/** Free text (a claim's description: string-utf8 280). */
export const HOSTILE_TEXT = [
  `<script>alert(document.domain)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `' onmouseover='alert(1)' x='`,
  `@everyone **URGENT** [Official refund portal](https://phish.example/refund)`,
  `@here <@&123456789012345678> <@123456789012345678> <#123456789012345678> ping`,
  `# Header\n> quote\n||spoiler|| \`\`\`js\nalert(1)\n\`\`\` ~~strike~~ __under__`,
  `Payout to \u202Egnp.exe\u202C \u2066isolate\u2069 and zero\u200Bwidth\u200C\u200D\uFEFFjoiners`,
  `[Claim STX](https://phish.example/claim) and <https://phish.example/bare> and https://phish.example/raw`,
  `javascript:alert(1) data:text/html,<script>alert(1)</script> vbscript:msgbox(1)`,
  LONG_WORD,
] as const;

/** URIs (evidence: string-ascii 256, any scheme). */
export const HOSTILE_URIS = [
  "javascript:alert(document.domain)",
  "JaVaScRiPt:alert(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "vbscript:msgbox(1)",
  "https://a.example/x) - [Verified by the team](https://phish.example/verified",
  `https://a.example/"><script>alert(1)</script>`,
  `https://a.example/${"b".repeat(256 - "https://a.example/".length)}`,
  "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/<b>",
  "http://plain-http.example/evidence",
  "@everyone",
] as const;

/** https URIs a lister may choose (website: string-ascii 128, source: 256; both must start with https://). */
export const HOSTILE_HTTPS = [
  `https://a.example/"><svg onload=alert(1)>`,
  "https://a.example/x) [Official](https://phish.example/",
  `https://a.example/${"c".repeat(100)}`,
] as const;

/** A protocol's chain (string-ascii 24). */
export const HOSTILE_CHAIN = ["<svg onload=alert(1)>", "@everyone", "[x](https://e.vil)", "`code` **bold**"] as const;

/** Characters that must never reach an output: direction overrides and invisible joiners. */
export const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u200C\uFEFF]|\u200D/;
/** Hosts a link may point at in anything the bot shows (its own pages, the explorer, and the claimants' https hosts). */
export const PHISHING_LABELS = ["Official refund portal", "Verified by the team", "Claim STX", "Official"];
