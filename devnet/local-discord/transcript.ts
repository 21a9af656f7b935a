import type { APIEmbed } from "discord-api-types/v10";
import type { LocalDiscord, ChannelMessage } from "./index";

/**
 * A channel as a member would read it now (each message in its final form, with how often it was
 * edited, and its thread underneath), as plain text for a terminal and as an HTML page that looks like
 * Discord.
 */

const time = (t: string) => new Date(t).toISOString().slice(11, 19);

const UNITS: [string, number][] = [
  ["year", 31_536_000],
  ["month", 2_592_000],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];
/** As Discord words a <t:…:R> timestamp: "in 3 days", "2 hours ago". */
function relativeTo(seconds: number, now: number): string {
  const delta = seconds - now;
  const abs = Math.abs(delta);
  const [unit, size] = UNITS.find(([, size]) => abs >= size) ?? ["second", 1];
  const n = Math.max(1, Math.round(abs / size));
  const span = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** `now` (Unix seconds) for a page: links kept, relative times said from it; none for plain text. */
function resolveMentions(discord: LocalDiscord, text: string, now?: number): string {
  const html = now !== undefined;
  const roles = new Map(discord.guilds.flatMap((g) => g.roles).map((r) => [r.id, r.name]));
  const channels = new Map(discord.guilds.flatMap((g) => g.channels).map((c) => [c.id, (c as { name: string }).name]));
  const out = text
    .replace(/<@&(\d+)>/g, (_m, id: string) => `@${roles.get(id) ?? id}`)
    .replace(/<#(\d+)>/g, (_m, id: string) => `#${channels.get(id) ?? id}`)
    .replace(/<t:(\d+):([A-Za-z])>/g, (_m, t: string, style: string) =>
      // The page reads relative times as Discord draws them for a reader now ("in 3 days"); the text keeps dates.
      html && style === "R"
        ? relativeTo(Number(t), now)
        : new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z").replace("T", " "),
    );
  return html ? out : out.replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, "$1");
}

function embedText(discord: LocalDiscord, e: APIEmbed): string[] {
  const lines = [`  ┃ ${e.title ?? ""}`];
  if (e.description) lines.push(...e.description.split("\n").map((l) => `  ┃ ${resolveMentions(discord, l)}`));
  for (const f of e.fields ?? [])
    lines.push(`  ┃ ${f.name}: ${resolveMentions(discord, f.value).replace(/\n/g, "\n  ┃   ")}`);
  if (e.footer?.text) lines.push(`  ┃ ${e.footer.text}`);
  return lines;
}

function buttons(m: ChannelMessage): { label: string; url?: string; disabled?: boolean }[] {
  return (m.components ?? [])
    .flatMap((row) => (row as { components?: { label?: string; url?: string; disabled?: boolean }[] }).components ?? [])
    .map((b) => ({ label: b.label ?? "", url: b.url, disabled: b.disabled }));
}

export function channelTranscriptText(discord: LocalDiscord, channelId: string): string {
  const out: string[] = [];
  for (const m of discord.channelMessages(channelId)) {
    out.push(
      `[${time(m.timestamp)}] ${m.author.global_name ?? m.author.username}${m.edits ? ` (edited ${m.edits}×)` : ""}`,
    );
    if (m.content) out.push(`  ${resolveMentions(discord, m.content)}`);
    for (const e of m.embeds) out.push(...embedText(discord, e));
    const b = buttons(m);
    if (b.length) out.push(`  ${b.map((x) => `[${x.label}${x.disabled ? " (closed)" : ""}]`).join(" ")}`);
    const thread = discord.threads.find((t) => t.id === m.id);
    if (thread) {
      out.push(`  └ thread "${thread.name}"`);
      for (const t of discord.channelMessages(thread.id)) {
        if (t.content) out.push(`      ${resolveMentions(discord, t.content)}`);
        for (const e of t.embeds) out.push(...embedText(discord, e).map((line) => `    ${line}`));
      }
    }
  }
  return out.join("\n");
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
/** Discord's markdown, as much of it as the bot writes: bold, code, masked links, quotes, escapes, mentions. */
/** What a page is drawn with: the local Discord, and the time its relative timestamps are read from. */
type View = { discord: LocalDiscord; now: number };
const md = (view: View, s: string) =>
  esc(resolveMentions(view.discord, s, view.now))
    .split("\n")
    .map((line) => (line.startsWith("&gt; ") ? `<blockquote>${line.slice("&gt; ".length)}</blockquote>` : line))
    .join("\n")
    .replace(/(?<!\\)\*\*((?:\\\*|[^*])+)\*\*/g, "<b>$1</b>")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/(^|[\s(])(@[\w-]+)/g, '$1<span class="mention">$2</span>')
    .replace(/\\([*_~`|>[\]()\\-])/g, "$1")
    .replace(/<\/blockquote>\n/g, "</blockquote>")
    .replace(/\n/g, "<br>");

const hex = (color: number | undefined) => (color ?? 0x3498db).toString(16).padStart(6, "0");

/** An embed as Discord draws it: a colour bar, the title (a link if it has one), text, fields (inline ones side by side), footer. */
function embedHtml(view: View, e: APIEmbed): string {
  const fields = (e.fields ?? [])
    .map(
      (f) =>
        `<div class="field${f.inline ? " inline" : ""}"><div class="fname">${md(view, f.name)}</div><div class="fvalue">${md(view, f.value)}</div></div>`,
    )
    .join("");
  return `<div class="embed" style="border-color:#${hex(e.color)}">
      ${e.title ? `<div class="etitle">${e.url ? `<a href="${esc(e.url)}">${md(view, e.title)}</a>` : md(view, e.title)}</div>` : ""}
      ${e.description ? `<div class="edesc">${md(view, e.description)}</div>` : ""}
      ${fields ? `<div class="fields">${fields}</div>` : ""}
      ${e.footer?.text ? `<div class="footer">${esc(e.footer.text)}</div>` : ""}</div>`;
}

function buttonsHtml(m: ChannelMessage): string {
  const list = buttons(m);
  if (!list.length) return "";
  return `<div class="buttons">${list
    .map(
      (b) =>
        `<a class="button${b.disabled ? " disabled" : ""}" href="${esc(b.url ?? "#")}">${esc(b.label)}${b.url ? ' <span class="ext">↗</span>' : ""}</a>`,
    )
    .join("")}</div>`;
}

/** One message: avatar, author, content, embeds, buttons; `extra` goes under it (a thread's preview). */
function messageHtml(view: View, m: ChannelMessage, extra = ""): string {
  const author = m.author.global_name ?? m.author.username;
  return `
  <article class="msg" data-message-id="${esc(m.id)}"><div class="avatar">${esc(author[0]!)}</div><div class="body">
    <header><b>${esc(author)}</b> <span class="bot">BOT</span> <time>${time(m.timestamp)}</time>${m.edits ? ` <span class="edited">(edited ${m.edits}×)</span>` : ""}</header>
    ${m.content ? `<p>${md(view, m.content)}</p>` : ""}
    ${m.embeds.map((e) => embedHtml(view, e)).join("")}
    ${buttonsHtml(m)}${extra}
  </div></article>`;
}

/**
 * A channel as a Discord page, readable at a phone's width: each message with its thread shown as Discord shows
 * it under the message (a preview naming it and counting its messages), and each thread's messages, embeds
 * included, in a section of its own below the channel, so a message's height is its own.
 */
export function channelTranscriptHtml(
  discord: LocalDiscord,
  channelId: string,
  title: string,
  /** The chain's time, which relative timestamps are read from (a local chain's clock runs ahead of this machine's). */
  options: { now?: number } = {},
): string {
  const view: View = { discord, now: options.now ?? Date.now() / 1000 };
  const name =
    (discord.guilds.flatMap((g) => g.channels).find((c) => c.id === channelId) as { name?: string } | undefined)
      ?.name ?? "channel";
  const messages = discord.channelMessages(channelId);
  const threads = messages.flatMap((m) => discord.threads.filter((t) => t.id === m.id));
  const preview = (m: ChannelMessage) => {
    const thread = threads.find((t) => t.id === m.id);
    if (!thread) return "";
    const count = discord.channelMessages(thread.id).length;
    return `<a class="thread-chip" href="#thread-${esc(thread.id)}"><span class="tname"># ${esc(thread.name ?? "")}</span> <span class="muted">${count} message${count === 1 ? "" : "s"} ›</span></a>`;
  };
  const threadSections = threads
    .map((thread) => {
      const inner = discord
        .channelMessages(thread.id)
        .map((t) => messageHtml(view, t))
        .join("");
      return `<section class="thread" id="thread-${esc(thread.id)}"><div class="top"># ${esc(thread.name ?? "")}</div>${inner || '<p class="muted">No messages yet</p>'}</section>`;
    })
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
* { box-sizing: border-box; }
body { margin: 0; background: #313338; color: #dbdee1; font: 15px/1.375 "gg sans", "Noto Sans", system-ui, sans-serif; overflow-wrap: anywhere; }
.top { padding: 12px 16px; border-bottom: 1px solid #1f2023; font-weight: 600; color: #f2f3f5; }
main { max-width: 900px; padding: 8px 0; }
.msg { display: flex; gap: 12px; padding: 6px 12px; } .msg:hover { background: #2e3035; }
.avatar { flex: 0 0 40px; height: 40px; border-radius: 50%; background: #5865f2; color: #fff; display: grid; place-items: center; font-weight: 700; }
.body { min-width: 0; flex: 1; } header b { color: #f2f3f5; } time, .edited, .muted { color: #949ba4; font-size: 12px; }
.bot { background: #5865f2; color: #fff; font-size: 10px; padding: 1px 4px; border-radius: 3px; }
p { margin: 2px 0; } a { color: #00a8fc; text-decoration: none; }
code { background: #1e1f22; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
.mention { background: rgba(88,101,242,.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px; }
blockquote { margin: 2px 0; padding-left: 10px; border-left: 4px solid #4e5058; }
.embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 12px 10px 12px; margin-top: 6px; max-width: 520px; font-size: 14px; }
.etitle { font-weight: 600; color: #f2f3f5; margin: 2px 0 6px; } .edesc { margin-bottom: 6px; }
.fields { display: flex; flex-wrap: wrap; gap: 6px 16px; } .field { flex: 1 1 100%; min-width: 0; } .field.inline { flex: 1 1 30%; min-width: 120px; }
.fname { font-weight: 600; color: #f2f3f5; font-size: 13px; margin-bottom: 1px; } .footer { color: #949ba4; font-size: 12px; margin-top: 8px; }
.buttons { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.button { background: #4e5058; color: #fff; padding: 6px 14px; border-radius: 4px; font-size: 14px; font-weight: 500; min-height: 32px; } .button.disabled { opacity: .5; }
.ext { font-size: 11px; opacity: .8; }
.thread-chip { display: block; margin-top: 8px; padding: 6px 10px; background: #2b2d31; border-radius: 6px; color: #dbdee1; }
.tname { font-weight: 600; color: #f2f3f5; }
section.thread { border-top: 8px solid #1f2023; }
@media (max-width: 480px) { .msg { gap: 10px; padding: 6px 8px; } .avatar { flex-basis: 32px; height: 32px; } .embed { padding: 8px 10px; } }
</style></head><body><div class="top"># ${esc(name)} · ${esc(title)}</div><main>
${messages.map((m) => messageHtml(view, m, preview(m))).join("\n")}
</main>
${threadSections}
</body></html>`;
}
