import { describe, it, expect } from "vitest";
import { openTestStore } from "../../support/test-store";
import { IndexTables, UndoCounter, type Row } from "../../../bot/index/index-tables";
import type { Params, Sql, Statement } from "../../../bot/storage/sql";

/** `sql` with every request to it (a round trip on Postgres) and every statement it runs counted. */
function counting(sql: Sql): Sql & { requests: number; statements: number } {
  const counted = {
    engine: sql.engine,
    requests: 0,
    statements: 0,
    runAll(statements: readonly Statement[]) {
      counted.requests++;
      counted.statements += statements.length;
      return sql.runAll(statements);
    },
    all<T>(text: string, params?: Params) {
      counted.requests++;
      counted.statements++;
      return sql.all<T>(text, params);
    },
    get<T>(text: string, params?: Params) {
      counted.requests++;
      counted.statements++;
      return sql.get<T>(text, params);
    },
    run(text: string, params?: Params) {
      counted.requests++;
      counted.statements++;
      return sql.run(text, params);
    },
    exec(script: string) {
      counted.requests++;
      counted.statements++;
      return sql.exec(script);
    },
    transaction: <T>(work: (tx: Sql) => Promise<T>) => sql.transaction(work),
  };
  return counted;
}

const policy = (id: number, status: string): Row => ({
  id,
  protocol_id: 1,
  holder: "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG",
  status,
  active_from: 0,
  ends_at: 100,
  remaining_cover: 1_000,
  data: JSON.stringify({ id, status }),
});

describe("the index's rows within one transaction", () => {
  it("writes a page of 50 events' rows and their undo entries in three requests, not several per row", async () => {
    const store = await openTestStore();
    const sql = await store.transaction(async (tx) => {
      const counted = counting(tx);
      const tables = new IndexTables(counted, new UndoCounter());
      for (let id = 1; id <= 50; id++) await tables.put("ix_policies", policy(id, "active"), `event-${id}`);
      await tables.flush();
      return counted;
    });
    // The undo count, one read of the 50 rows as they were (64 keys), and one request for the writes:
    // 3 upserts (32 + 16 + 2) and 3 undo inserts (on Postgres one statement).
    expect(sql.requests).toBe(3);
    expect(sql.statements).toBe(8);
    expect((await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_policies"))!.n).toBe(50);
    expect((await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_undo"))!.n).toBe(50);
    await store.close();
  });

  it("writes rows their events create, and the statements given alongside, in two requests, reading nothing", async () => {
    const store = await openTestStore();
    const sql = await store.transaction(async (tx) => {
      const counted = counting(tx);
      const tables = new IndexTables(counted, new UndoCounter());
      for (let id = 1; id <= 50; id++) await tables.create("ix_policies", policy(id, "active"), `event-${id}`);
      tables.alongside([{ text: "INSERT INTO pending_events (seq) VALUES (?)", params: [9] }]);
      await tables.flush();
      return counted;
    });
    // The undo count, then one request: 3 upserts, 3 undo inserts and the statement alongside.
    expect(sql.requests).toBe(2);
    expect(sql.statements).toBe(8);
    expect(await store.sql.all("SELECT seq FROM pending_events")).toEqual([{ seq: 9 }]);
    // Undoing a creating event deletes its row.
    await store.transaction((tx) => new IndexTables(tx, new UndoCounter()).undo("event-7"));
    expect(await store.sql.get("SELECT id FROM ix_policies WHERE id = 7")).toBeUndefined();
    expect((await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_policies"))!.n).toBe(49);
    await store.close();
  });

  it("keeps what each of two events in one page replaced, so undoing them restores the row step by step", async () => {
    const store = await openTestStore();
    const undo = new UndoCounter();
    await store.transaction(async (tx) => {
      const tables = new IndexTables(tx, undo);
      await tables.put("ix_policies", policy(7, "active"), "first");
      await tables.put("ix_policies", policy(7, "expired"), "second");
      // Read back before it is written: the transaction sees its own rows.
      expect((await tables.get("ix_policies", { id: 7 }))?.status).toBe("expired");
      await tables.flush();
    });
    const status = async () =>
      (await store.sql.get<{ status: string }>("SELECT status FROM ix_policies WHERE id = 7"))?.status;
    expect(await status()).toBe("expired");
    await store.transaction((tx) => new IndexTables(tx, undo).undo("second"));
    expect(await status()).toBe("active");
    await store.transaction((tx) => new IndexTables(tx, undo).undo("first"));
    expect(await status()).toBeUndefined();
    await store.close();
  });

  it("writes what it holds before a statement of the caller's own, and reads the rows again after it", async () => {
    const store = await openTestStore();
    await store.transaction(async (tx) => {
      const tables = new IndexTables(tx, new UndoCounter());
      await tables.put("ix_protocols", { id: 1, name: "p", status: "listed", stale: 0, data: "{}" }, "e1");
      await tables.direct(() => tx.run("UPDATE ix_protocols SET stale = 1"));
      expect((await tables.get("ix_protocols", { id: 1 }))?.stale).toBe(1);
      await tables.flush();
    });
    expect((await store.sql.get<{ stale: number }>("SELECT stale FROM ix_protocols WHERE id = 1"))!.stale).toBe(1);
    await store.close();
  });
});
