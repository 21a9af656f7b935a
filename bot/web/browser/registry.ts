/** The registry page's search and filters (served from this origin; the page allows no inline script). */
const q = document.getElementById("search") as HTMLInputElement;
const chain = document.getElementById("chain") as HTMLSelectElement;
const verdict = document.getElementById("verdict") as HTMLSelectElement;
const rows = [...document.querySelectorAll<HTMLTableRowElement>("tbody tr[data-name]")];

function filter() {
  const text = q.value.trim().toLowerCase();
  let shown = 0;
  for (const row of rows) {
    const ok =
      row.dataset.name!.includes(text) &&
      (!chain.value || row.dataset.chain === chain.value) &&
      (!verdict.value || row.dataset.verdict === verdict.value);
    row.hidden = !ok;
    if (ok) shown++;
  }
  document.getElementById("count")!.textContent = `${shown} of ${rows.length} protocols`;
}
for (const el of [q, chain, verdict]) el.addEventListener("input", filter);
