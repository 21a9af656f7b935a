import type { APIEmbed } from "discord-api-types/v10";
import type { LocalDiscord, ChannelMessage } from "./index";

/**
 * A channel as a member would read it now (each message in its final form, with how often it was
 * edited, and its thread underneath), as plain text for a terminal and as an HTML page that looks like
 * Discord.
 */

const time = (t: string) => new Date(t).toISOString().slice(11, 19);

function resolveMentions(discord: LocalDiscord, text: string, html = false): string {
  const roles = new Map(discord.guilds.flatMap((g) => g.roles).map((r) => [r.id, r.name]));
  const channels = new Map(discord.guilds.flatMap((g) => g.channels).map((c) => [c.id, (c as { name: string }).name]));
  const out = text
    .replace(/<@&(\d+)>/g, (_m, id: string) => `@${roles.get(id) ?? id}`)
    .replace(/<#(\d+)>/g, (_m, id: string) => `#${channels.get(id) ?? id}`)
    .replace(/<t:(\d+):[A-Za-z]>/g, (_m, t: string) =>
      new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z").replace("T", " "),
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
      for (const t of discord.channelMessages(thread.id)) out.push(`      ${resolveMentions(discord, t.content)}`);
    }
  }
  return out.join("\n");
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const md = (discord: LocalDiscord, s: string) =>
  esc(resolveMentions(discord, s, true))
    .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/(@[\w-]+)/g, '<span class="mention">$1</span>')
    .replace(/\n/g, "<br>");

export function channelTranscriptHtml(discord: LocalDiscord, channelId: string, title: string): string {
  const name =
    (discord.guilds.flatMap((g) => g.channels).find((c) => c.id === channelId) as { name?: string } | undefined)
      ?.name ?? "channel";
  const message = (m: ChannelMessage) => `
  <article class="msg"><div class="avatar">${esc((m.author.global_name ?? m.author.username)[0]!)}</div><div class="body">
    <header><b>${esc(m.author.global_name ?? m.author.username)}</b> <span class="bot">BOT</span> <time>${time(m.timestamp)}</time>${m.edits ? ` <span class="edited">(edited ${m.edits}×)</span>` : ""}</header>
    ${m.content ? `<p>${md(discord, m.content)}</p>` : ""}
    ${m.embeds
      .map(
        (e) => `<div class="embed" style="border-color:#${(e.color ?? 0x3498db).toString(16).padStart(6, "0")}">
      <div class="etitle">${e.url ? `<a href="${esc(e.url)}">${esc(e.title ?? "")}</a>` : esc(e.title ?? "")}</div>
      ${e.description ? `<div class="edesc">${md(discord, e.description)}</div>` : ""}
      <div class="fields">${(e.fields ?? []).map((f) => `<div class="field${f.inline ? " inline" : ""}"><div class="fname">${esc(f.name)}</div><div>${md(discord, f.value)}</div></div>`).join("")}</div>
      ${e.footer?.text ? `<div class="footer">${esc(e.footer.text)}</div>` : ""}</div>`,
      )
      .join("")}
    ${
      buttons(m).length
        ? `<div class="buttons">${buttons(m)
            .map(
              (b) =>
                `<a class="button${b.disabled ? " disabled" : ""}" href="${esc(b.url ?? "#")}">${esc(b.label)} ↗</a>`,
            )
            .join("")}</div>`
        : ""
    }
    ${(() => {
      const thread = discord.threads.find((t) => t.id === m.id);
      if (!thread) return "";
      const inner = discord
        .channelMessages(thread.id)
        .map((t) => `<p>${md(discord, t.content)}</p>`)
        .join("");
      return `<div class="thread"><div class="tname"># ${esc(thread.name ?? "")}</div>${inner || '<p class="muted">No messages yet</p>'}</div>`;
    })()}
  </div></article>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body { margin: 0; background: #313338; color: #dbdee1; font: 15px/1.4 "gg sans", "Noto Sans", system-ui, sans-serif; }
.top { padding: 12px 16px; border-bottom: 1px solid #1f2023; font-weight: 600; color: #f2f3f5; }
main { max-width: 900px; padding: 8px 0; }
.msg { display: flex; gap: 16px; padding: 8px 16px; } .msg:hover { background: #2e3035; }
.avatar { flex: 0 0 40px; height: 40px; border-radius: 50%; background: #5865f2; color: #fff; display: grid; place-items: center; font-weight: 700; }
.body { min-width: 0; flex: 1; } header b { color: #f2f3f5; } time, .edited, .muted { color: #949ba4; font-size: 12px; }
.bot { background: #5865f2; color: #fff; font-size: 10px; padding: 1px 4px; border-radius: 3px; }
p { margin: 4px 0; overflow-wrap: anywhere; } a { color: #00a8fc; text-decoration: none; }
code { background: #1e1f22; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
.mention { background: rgba(88,101,242,.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px; }
.embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 16px 12px 12px; margin-top: 6px; max-width: 520px; }
.etitle { font-weight: 600; color: #f2f3f5; margin: 4px 0; } .edesc { margin-bottom: 8px; }
.fields { display: flex; flex-wrap: wrap; gap: 8px 16px; } .field { flex: 1 1 100%; } .field.inline { flex: 1 1 30%; min-width: 140px; }
.fname { font-weight: 600; color: #f2f3f5; font-size: 13px; } .footer { color: #949ba4; font-size: 12px; margin-top: 8px; }
.buttons { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.button { background: #4e5058; color: #fff; padding: 6px 16px; border-radius: 3px; font-size: 14px; } .button.disabled { opacity: .5; }
.thread { border-left: 2px solid #4e5058; margin-top: 8px; padding-left: 12px; } .tname { color: #949ba4; font-weight: 600; }
</style></head><body><div class="top"># ${esc(name)} · ${esc(title)}</div><main>
${discord.channelMessages(channelId).map(message).join("\n")}
</main></body></html>`;
}
