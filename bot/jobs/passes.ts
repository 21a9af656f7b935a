/**
 * Runs a pass at a time: a call while one runs asks for one more after it (however many calls came), and every
 * caller waits until the passes end. A pass may ask for another itself (`more`). Stops repeating once `goOn`
 * says so (the owner is stopping).
 */
export class Passes {
  private current: Promise<void> | null = null;
  private wanted = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly goOn: () => boolean,
  ) {}

  run(): Promise<void> {
    if (this.current) {
      this.wanted = true;
      return this.current;
    }
    this.current = (async () => {
      do {
        this.wanted = false;
        await this.pass();
      } while (this.wanted && this.goOn());
    })().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /** Asks for one more pass after the one running. */
  more() {
    this.wanted = true;
  }

  /** Resolves once the passes running (if any) have ended. */
  async settled(): Promise<void> {
    await this.current?.catch(() => {});
  }
}
