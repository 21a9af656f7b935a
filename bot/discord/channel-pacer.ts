/**
 * Keeps each channel within Discord's documented budget for message creates and edits (5 per 5 s),
 * so that bursts queue here instead of drawing 429s from Discord. discord.js also waits on the limits
 * Discord reports; this keeps the bot polite even where it cannot know them in advance.
 */

/** Waits this much past the window's end, so that the oldest write has surely left Discord's window too. */
const MARGIN_MS = 25;

export class ChannelPacer {
  private sent = new Map<string, number[]>();
  private queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 5_000,
  ) {}

  run<T>(channelId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(channelId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const times = (this.sent.get(channelId) ?? []).filter((t) => Date.now() - t < this.windowMs);
        if (times.length >= this.limit)
          await new Promise((r) => setTimeout(r, this.windowMs - (Date.now() - times[0]!) + MARGIN_MS));
        const fresh = (this.sent.get(channelId) ?? []).filter((t) => Date.now() - t < this.windowMs);
        fresh.push(Date.now());
        this.sent.set(channelId, fresh);
        return task();
      });
    this.queues.set(channelId, next);
    return next;
  }
}
