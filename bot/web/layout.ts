import { html, jsonScript, type SafeHtml } from "./html";

/**
 * The page shell every page shares, and its one style sheet, served from /assets/site.css so the
 * Content-Security-Policy needs no inline style or script. Long unbroken words (a 280-character
 * description without spaces) wrap instead of widening the page.
 */

export const SITE_CSS = `
* { box-sizing: border-box; } [hidden] { display: none !important; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; overflow-wrap: anywhere; }
header.site { background: #1d232b; color: #fff; padding: 0.75rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header.site a { color: #fff; text-decoration: none; } header.site b { font-size: 1.1rem; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem; } main.narrow { max-width: 40rem; }
h1 { font-size: 1.4rem; margin: 0.25rem 0 1rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
.tools { display: flex; gap: 0.5rem; flex-wrap: wrap; margin-bottom: 1rem; }
input[type=search], select { font: inherit; padding: 0.5rem; border: 1px solid #c8ced6; border-radius: 6px; background: #fff; }
input[type=search] { flex: 1 1 14rem; }
table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 8px; overflow: hidden; table-layout: auto; }
th, td { text-align: left; padding: 0.5rem 0.75rem; border-bottom: 1px solid #eceff3; vertical-align: top; overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef1f5; font-size: 0.85rem; }
.verdict { font-weight: 600; } .insured { color: #2b8a3e; } .open { color: #d9480f; } .not { color: #868e96; } .pending { color: #1971c2; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; }
.card { background: #fff; border-radius: 8px; padding: 0.75rem 1rem; } .card .k { color: #5b6673; font-size: 0.85rem; }
.card .v { font-size: 1.15rem; font-weight: 600; }
code, pre { background: #eef1f5; border-radius: 4px; padding: 0.1rem 0.3rem; overflow-wrap: anywhere; white-space: pre-wrap; }
svg.chart { width: 100%; height: auto; background: #fff; border-radius: 8px; } .muted { color: #5b6673; font-size: 0.9rem; }
.notice { background: #fff4e6; border-radius: 8px; padding: 0.75rem 1rem; } .inert { font-family: monospace; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; background: #fff; padding: 1rem; border-radius: 8px; }
dt { color: #5b6673; } dd { margin: 0; min-width: 0; }
fieldset { border: 0; padding: 0; margin: 1rem 0; display: flex; gap: 1rem; flex-wrap: wrap; }
fieldset label { background: #fff; padding: 0.5rem 1rem; border-radius: 8px; cursor: pointer; }
fieldset.list { flex-direction: column; gap: 0.5rem; }
form.form { display: grid; gap: 0.75rem; background: #fff; padding: 1rem; border-radius: 8px; margin-bottom: 1rem; }
form.form label { display: grid; gap: 0.25rem; color: #5b6673; }
form.form input, form.form textarea, form.form select { font: inherit; padding: 0.5rem; border: 1px solid #c8ced6; border-radius: 6px; width: 100%; color: #1d232b; background: #fff; }
#refusals li { color: #c92a2a; }
button { font: inherit; padding: 0.75rem 1.25rem; border: 0; border-radius: 8px; background: #3b5bdb; color: #fff; cursor: pointer; width: 100%; }
button:disabled { opacity: 0.6; }
#status { margin-top: 1rem; min-height: 1.5rem; } #status[data-kind=error], #result[data-kind=refused], #result[data-kind=dropped] { color: #c92a2a; } #status[data-kind=ok], #result[data-kind=done] { color: #2b8a3e; }
@media (max-width: 40rem) { .hide-small { display: none; } th, td { padding: 0.4rem; } }`;

/** A page: its title, body, and optionally one script from this server with its JSON configuration. */
export function shell(
  title: string,
  body: SafeHtml,
  options: { script?: string; config?: unknown; narrow?: boolean } = {},
): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="/favicon.svg"><link rel="stylesheet" href="/assets/site.css"></head><body>
<header class="site"><b><a href="/">Insured DApps</a></b><a href="/pool">Pool</a><a href="/api/v1/openapi.json">API</a></header>
<main class="${options.narrow ? "narrow" : ""}">${body}</main>
${options.config === undefined ? "" : jsonScript("page-config", options.config)}
${options.script ? html`<script type="module" src="${options.script}"></script>` : ""}</body></html>`.text;
}
