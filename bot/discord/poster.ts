import type { Client, Message, MessageCreateOptions, MessageEditOptions, TextChannel } from "discord.js";
import type { Logger } from "../logger";
import type { Store } from "../storage/store";
import { ChannelPacer } from "./channel-pacer";
import { sendOnce } from "./post-once";

/** The longest thread name Discord takes. */
const THREAD_NAME_MAX = 100;

/**
 * The one way the bot writes to channels: alerts, their edits and threads, outcomes, council signatures,
 * the feed, reminders and the pool report all come through here. It owns the per-channel pacer (Discord's
 * 5 per 5 s, shared by every kind of post), the nonce and "about to post" mark (sendOnce), the
 * "already posted" record, and the default of pinging nobody (a post names the roles it may ping).
 * Rendering happens before: callers hand over a finished payload (see presentation/).
 */
export class Poster {
  constructor(
    private readonly client: Client,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly pacer = new ChannelPacer(),
  ) {}

  /** A text channel the bot can reach, or null (logged) when Discord does not know it or refuses it. */
  async channel(id: string): Promise<TextChannel | null> {
    try {
      return (await this.client.channels.fetch(id)) as TextChannel | null;
    } catch (e) {
      this.log.warn({ err: e, channelId: id }, "channel not reachable");
      return null;
    }
  }

  /** Sends once per key (see sendOnce), paced; the caller keeps its own record of the result. */
  async send(
    key: string,
    channel: TextChannel,
    payload: MessageCreateOptions,
    isSame: (m: Message) => boolean,
  ): Promise<Message> {
    return this.pacer.run(channel.id, () =>
      sendOnce(this.store, channel, key, { allowedMentions: { parse: [] }, ...payload }, isSame),
    );
  }

  /**
   * Posts once per key, recorded as posted once Discord has it: returns the message, or null when the key
   * was posted before or the channel cannot be reached. A crash between the send and the record does
   * not post twice after a restart: sendOnce finds the first message instead.
   */
  async postOnce(
    key: string,
    channelId: string,
    payload: MessageCreateOptions,
    isSame: (m: Message) => boolean,
  ): Promise<Message | null> {
    if (await this.store.wasPosted(key)) return null;
    const channel = await this.channel(channelId);
    if (!channel) return null;
    const message = await this.send(key, channel, payload, isSame);
    // The message is kept with its key, so a post for an event that a re-org orphans can be edited.
    await this.store.recordPostedMessage(key, channel.id, message.id, channel.guildId ?? null);
    await this.store.markPosted(key);
    return message;
  }

  /** A text post once per key, recognised again by its text. */
  postTextOnce(key: string, channelId: string, text: string, extra: Partial<MessageCreateOptions> = {}) {
    return this.postOnce(key, channelId, { content: text, ...extra }, (m) => m.content === text);
  }

  /** Edits a message the bot posted, paced with every other write to its channel. */
  async edit(channelId: string, messageId: string, payload: MessageEditOptions): Promise<void> {
    const channel = await this.channel(channelId);
    if (channel) await this.pacer.run(channel.id, () => channel.messages.edit(messageId, payload));
  }

  /**
   * Opens a thread on a message (or finds the one already opened). Not paced with the channel's messages: the
   * thread route is a bucket of its own at Discord (discord.js waits on what Discord reports for it), so an alert
   * costs its channel one write of the 5 per 5 s, not two.
   */
  async thread(message: Message, name: string): Promise<{ id: string } | null> {
    return message
      .startThread({ name: name.slice(0, THREAD_NAME_MAX) })
      .catch(async () => await this.client.channels.fetch(message.id).catch(() => null));
  }
}
