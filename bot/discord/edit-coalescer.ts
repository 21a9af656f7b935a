/**
 * At most one edit per claim per window: a burst of votes in one block becomes one edit that shows
 * them all, so the bot never runs into Discord's per-channel limits, whatever the burst.
 */

/** How often idle() looks again while an edit is still scheduled. */
const IDLE_CHECK_MS = 50;

export class EditCoalescer {
  private timers = new Map<number, NodeJS.Timeout>();
  private lastEdit = new Map<number, number>();
  private running = new Map<number, Promise<void>>();
  /** The latest edits sent, per claim, with their time (for tests and benchmarks; the newest EDIT_LOG kept). */
  readonly edits: { claimId: number; at: number }[] = [];
  static readonly EDIT_LOG = 10_000;

  constructor(
    private readonly windowMs: number,
    private readonly edit: (claimId: number) => Promise<void>,
    private readonly onError: (e: unknown, claimId: number) => void = () => undefined,
    private readonly settleMs = 150,
  ) {}

  touch(claimId: number) {
    if (this.timers.has(claimId)) return;
    const since = Date.now() - (this.lastEdit.get(claimId) ?? 0);
    const delay = Math.max(this.settleMs, this.windowMs - since);
    this.timers.set(
      claimId,
      setTimeout(() => void this.fire(claimId), delay),
    );
  }

  private async fire(claimId: number) {
    await this.running.get(claimId);
    this.timers.delete(claimId);
    const now = Date.now();
    // Bounded: a claim edited longer ago than the window needs no entry (its next edit may go at once).
    for (const [id, at] of this.lastEdit) if (now - at >= this.windowMs) this.lastEdit.delete(id);
    this.lastEdit.set(claimId, now);
    this.edits.push({ claimId, at: now });
    if (this.edits.length > EditCoalescer.EDIT_LOG) this.edits.splice(0, this.edits.length - EditCoalescer.EDIT_LOG);
    const run = this.edit(claimId).catch((e) => this.onError(e, claimId));
    this.running.set(claimId, run);
    await run;
    if (this.running.get(claimId) === run) this.running.delete(claimId);
  }

  /** Resolves when no edit is scheduled or running. */
  async idle() {
    while (this.timers.size > 0 || [...this.running.values()].length > 0) {
      await Promise.all([...this.running.values()]);
      this.running.clear();
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, IDLE_CHECK_MS));
    }
  }

  stop() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
