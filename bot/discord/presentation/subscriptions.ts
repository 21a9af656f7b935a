import { discordText, LABEL_MAX } from "../../format/untrusted";
import { EVENT_KINDS, type Subscription } from "../../storage/subscriptions";

/** How `/setup show` and `/subscribe` describe one channel's subscription, on one line. */
export function subscriptionLine(s: Subscription, protocolNames: Map<number, string>): string {
  const events = s.events.length === EVENT_KINDS.length ? "all events" : s.events.map((k) => `\`${k}\``).join(", ");
  const protocols = s.protocolIds.length
    ? s.protocolIds.map((id) => discordText(protocolNames.get(id) ?? `#${id}`, LABEL_MAX)).join(", ")
    : "all protocols";
  const role = s.roleId ? `, mentions <@&${s.roleId}>` : "";
  const via =
    s.legacy === "alerts"
      ? " (from `/setup alerts`)"
      : s.legacy === "feed"
        ? " (from `/setup feed`)"
        : s.legacy
          ? " (from `/setup alerts` and `/setup feed`)"
          : "";
  return `<#${s.channelId}>: ${events}; ${protocols}${role}${via}`;
}
