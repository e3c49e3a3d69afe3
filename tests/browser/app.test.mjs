// The page in a real headless Chromium: it opens with an example shown, runs its thread pool
// when cross-origin isolated (by headers or by the service worker), falls back to one thread
// when not, and fetches nothing from any other origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, browser, waitForPreview, foreignRequests, screenshot } from "./harness.mjs";

let isolated, plain;
before(async () => {
  isolated = await serve({ isolate: true });
  plain = await serve({ isolate: false });
});
after(async () => {
  await isolated.close();
  await plain.close();
});

async function threadsInfo(page) {
  return page.evaluate(() => {
    const t = document.querySelector("#threads");
    return { text: t.textContent, threads: Number(t.dataset.threads), isolated: t.dataset.isolated === "true",
             cores: navigator.hardwareConcurrency, coi: self.crossOriginIsolated };
  });
}

test("with COOP/COEP headers: Kepler shown, the pool has one thread per core, no console errors", async () => {
  const b = await browser();
  try {
    await b.page.goto(isolated.url);
    await waitForPreview(b.page);
    const info = await threadsInfo(b.page);
    assert.equal(info.coi, true, "the page is cross-origin isolated");
    assert.equal(info.threads, info.cores, `pool size ${info.threads} vs ${info.cores} cores`);
    assert.match(info.text, new RegExp(`^${info.cores} threads?, cross-origin isolated$`));

    const headers = await b.page.$$eval("#data-preview thead tr:first-child th", (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(headers, ["planet", "a", "T"]);
    const kinds = await b.page.$$eval("#data-preview thead tr.kinds th", (ths) => ths.map((t) => t.dataset.kind));
    assert.deepEqual(kinds, ["categorical", "numeric", "numeric"]);
    const rows = await b.page.$$eval("#data-preview tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[2], ["Earth", "1.00000", "1.00002"]);
    const caption = await b.page.textContent("#data-preview p");
    assert.match(caption, new RegExp(`on ${info.cores} threads?`), "the statistics ran on the pool");
    assert.equal(await b.page.inputValue("#target-select"), "T");
    assert.equal(await b.page.inputValue("#example-select"), "kepler");
    await screenshot(b.page, "kepler-isolated");
    assert.deepEqual(b.errors, []);
    assert.deepEqual(foreignRequests(b.requests, isolated.url), []);
  } finally {
    await b.close();
  }
});

test("the example menu switches to the iris table and the URL remembers it", async () => {
  const b = await browser();
  try {
    await b.page.goto(isolated.url);
    await waitForPreview(b.page);
    await b.page.selectOption("#example-select", "iris");
    await b.page.waitForFunction(() => document.querySelector("#data-preview thead th")?.textContent === "sepal_length");
    const kinds = await b.page.$$eval("#data-preview thead tr.kinds th", (ths) => ths.map((t) => t.dataset.kind));
    assert.deepEqual(kinds, ["numeric", "numeric", "numeric", "numeric", "categorical"]);
    assert.equal(await b.page.inputValue("#target-select"), "species");
    assert.match(b.page.url(), /#example=iris&/);

    await b.page.reload();
    await waitForPreview(b.page);
    assert.equal(await b.page.inputValue("#example-select"), "iris");
    assert.deepEqual(b.errors, []);
    assert.deepEqual(foreignRequests(b.requests, isolated.url), []);
  } finally {
    await b.close();
  }
});

test("a plain static host without headers or service worker: single-thread fallback, still works", async () => {
  const b = await browser({ serviceWorkers: false });
  try {
    await b.page.goto(plain.url);
    await waitForPreview(b.page);
    const info = await threadsInfo(b.page);
    assert.equal(info.coi, false);
    assert.equal(info.threads, 1);
    assert.match(info.text, /^1 thread, single-thread fallback/);
    const caption = await b.page.textContent("#data-preview p");
    assert.match(caption, /10 rows × 3 columns/);
    await screenshot(b.page, "kepler-fallback");
    assert.deepEqual(b.errors, []);
    assert.deepEqual(foreignRequests(b.requests, plain.url), []);
  } finally {
    await b.close();
  }
});

test("a plain static host with the service worker: isolated after one reload, full pool", async () => {
  const b = await browser();
  try {
    await b.page.goto(plain.url);
    await b.page.waitForFunction(() => document.querySelector("#threads")?.dataset.isolated === "true", null, { timeout: 60_000 });
    await waitForPreview(b.page);
    const info = await threadsInfo(b.page);
    assert.equal(info.coi, true);
    assert.equal(info.threads, info.cores);
    assert.match(info.text, /cross-origin isolated by service worker$/);
    assert.deepEqual(b.errors, []);
    assert.deepEqual(foreignRequests(b.requests, plain.url), []);
  } finally {
    await b.close();
  }
});

test("a CSV through #file-input is shown; a broken one shows its line and keeps the table", async () => {
  const b = await browser();
  try {
    await b.page.goto(isolated.url);
    await waitForPreview(b.page);
    await b.page.setInputFiles("#file-input", {
      name: "mass.csv", mimeType: "text/csv",
      buffer: Buffer.from("m;v;E\n1,5;2,0;3,0\n2,0;1,0;1,0\n4,0;0,5;0,5\n"),
    });
    await b.page.waitForFunction(() => document.querySelector("#data-preview p")?.textContent.startsWith("mass.csv"));
    const headers = await b.page.$$eval("#data-preview thead tr:first-child th", (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(headers, ["m", "v", "E"]);
    const first = await b.page.$$eval("#data-preview tbody tr:first-child td", (tds) => tds.map((t) => t.textContent));
    assert.deepEqual(first, ["1.5", "2.0", "3.0"]);

    await b.page.setInputFiles("#file-input", {
      name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from("x,y\n1,2\n3,4,5\n"),
    });
    await b.page.waitForFunction(() => document.querySelector("#error")?.textContent.length > 0);
    assert.equal(await b.page.textContent("#error"), "broken.csv: line 3: found 3 fields, the header has 2");
    const still = await b.page.textContent("#data-preview p");
    assert.ok(still.startsWith("mass.csv"), `the loaded table stays: ${still}`);
    await screenshot(b.page, "file-error");
    assert.deepEqual(b.errors, []);
    assert.deepEqual(foreignRequests(b.requests, isolated.url), []);
  } finally {
    await b.close();
  }
});
