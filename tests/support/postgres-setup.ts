import type { TestProject } from "vitest/node";
import { Store } from "../../bot/storage/store";
import { createTemplate, startPostgres } from "../../devnet/local-postgres";

/**
 * Global setup of the node-postgres project: one server for the run, migrated once into a template that each
 * test's database is copied from.
 */
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  await createTemplate(server.url, async (url) => {
    const store = await Store.open({ url });
    await store.close();
  });
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
