// Networks and feature selection from the page: the iris table's networks, their compressed
// variants and the linear model land on the MDL plot beside each other, and the importance
// plot shows which measurements carry the species.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, browser, waitForPreview, foreignRequests, screenshot, nativeJson } from "./harness.mjs";

let app;
before(async () => { app = await serve({ isolate: true }); });
after(async () => { await app.close(); });

const done = (page) => page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("done"), null, { timeout: 120_000 });

test("iris: compress draws every variant, select draws the importance, and both stay on the plot", async () => {
  const b = await browser();
  try {
    await b.page.goto(`${app.url}#example=iris&hidden=16`);
    await waitForPreview(b.page);
    assert.equal(await b.page.inputValue("#hidden"), "16", "the URL sets the hidden widths");
    const t0 = Date.now();
    // Clicked and read in one go: on iris the run may end within a few hundred milliseconds.
    const disabled = await b.page.evaluate(() => {
      document.querySelector("#run-compress").click();
      return ["#run-search", "#run-compress", "#run-select", "#cancel"].map((id) => document.querySelector(id).disabled);
    });
    assert.deepEqual(disabled, [true, true, true, false], "the run buttons are disabled and cancel enabled while running");
    await done(b.page);
    const seconds = (Date.now() - t0) / 1000;
    await b.page.uncheck("#front-only");
    const rows = await b.page.$$eval("#front-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    const families = new Set(rows.map((r) => r[1]));
    assert.ok(families.has("network") && families.has("logistic"), [...families].join(", "));
    assert.ok(rows.length > 20, `${rows.length} variants`);
    const points = Number(await b.page.$eval("#mdl-plot", (c) => c.dataset.points));
    assert.equal(points, rows.length, "one point per candidate");
    const family = await b.page.getAttribute("#headline", "data-family");
    assert.match(family, /^(mlp|logistic)$/, family);
    assert.match(await b.page.textContent("#headline-law"), /^species: (MLP|logistic) /);
    assert.match(await b.page.textContent("#headline-words"), /^It names \d+\.\d % of the rows right \(on rows it was not fitted on\)\. Model \d+ bits \+ corrections \d+ \+ header \d+ = \d+ bits/);
    // A classification has no curve to draw.
    assert.equal(await b.page.$eval("#fit-figure", (f) => getComputedStyle(f).display), "none");
    const best = rows.find((r) => r[0] === "★");
    assert.ok(Number(best[6]) > 0.85, `best test accuracy ${best[6]}`);
    console.log(`# iris compress: ${rows.length} candidates in ${seconds.toFixed(1)} s; best: ${best[2]} (${best[5]} bits, accuracy ${best[6]})`);

    // "Only the Pareto front": the table keeps the front rows (the best among them), the plot
    // every point.
    const frontRows = await b.page.$$eval("#front-table tbody tr.front", (trs) => trs.map((tr) => tr.dataset.index));
    await b.page.check("#front-only");
    const shown = await b.page.$$eval("#front-table tbody tr", (trs) => trs.map((tr) => tr.dataset.index));
    assert.deepEqual(shown, frontRows, "only the front's rows");
    assert.ok(shown.length > 0 && shown.length < rows.length, `${shown.length} of ${rows.length} rows on the front`);
    assert.equal(await b.page.$$eval("#front-table tbody tr.best", (trs) => trs.length), 1, "the best is on the front");
    assert.equal(Number(await b.page.$eval("#mdl-plot", (c) => c.dataset.points)), rows.length, "the plot keeps every point");
    await b.page.uncheck("#front-only");
    assert.equal(await b.page.$$eval("#front-table tbody tr", (trs) => trs.length), rows.length);
    await screenshot(b.page, "iris-compress");

    // The best program and the labels coded given it, as a real file.
    const { readFile } = await import("node:fs/promises");
    const [download] = await Promise.all([b.page.waitForEvent("download"), b.page.click("#download-code")]);
    const code = await readFile(await download.path());
    assert.match(download.suggestedFilename(), /^iris-(mlp|logistic)\.occam$/);
    assert.deepEqual([...code.subarray(0, 2)], [0x0c, 0xc0 | 5], "the .occam signature (format 5)");
    await b.page.waitForFunction(() => /\.occam: \d+ bytes/.test(document.querySelector("#status").textContent));
    const status = await b.page.textContent("#status");
    const bits = Number(status.match(/\((\d+) bits coded\)/)[1]);
    assert.ok(Math.abs(code.length * 8 - bits) <= 0.01 * bits + 64, `${code.length} bytes for ${bits} bits`);
    console.log(`# .occam of the best: ${code.length} bytes, ${bits} bits coded`);

    await b.page.click("#run-select");
    await done(b.page);
    assert.equal(await b.page.$eval("#importance-figure", (c) => getComputedStyle(c).display), "block");
    assert.equal(await b.page.$eval("#importance-plot", (c) => c.dataset.bars), "4");
    const after = await b.page.$$eval("#front-table tbody tr", (trs) => trs.length);
    assert.ok(after > rows.length, "the refit joins the networks on the plot");
    await screenshot(b.page, "iris-importance");
    await (await b.page.$("#importance-plot")).screenshot({ path: "target/browser-artifacts/iris-importance-plot.png" });
    assert.deepEqual(foreignRequests(b.requests, app.url), []);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test("a bad hidden width is named and nothing runs", async () => {
  const b = await browser();
  try {
    await b.page.goto(`${app.url}#example=iris`);
    await waitForPreview(b.page);
    await b.page.fill("#hidden", "16,x");
    await b.page.click("#run-compress");
    assert.match(await b.page.textContent("#error"), /'x' is not a width/);
    assert.equal(await b.page.isEnabled("#run-compress"), true);
  } finally {
    await b.close();
  }
});

test("the same seed trains and compresses the same networks in the browser as natively", async () => {
  const native = await nativeJson(["compress", "web/examples/iris.csv", "--target", "species", "--hidden", "8", "--seed", "3", "--json"]);
  const b = await browser();
  try {
    await b.page.goto(`${app.url}#example=iris&hidden=8&seed=3`);
    await waitForPreview(b.page);
    await b.page.click("#run-compress");
    await done(b.page);
    await b.page.uncheck("#front-only");
    const rows = await b.page.$$eval("#front-table tbody tr", (trs) => trs.map((tr) => [tr.cells[2].textContent, tr.cells[5].textContent]));
    const expected = native.candidates.map((c) => [c.description, c.total_bits.toFixed(1)]);
    assert.deepEqual(rows, expected);
    console.log(`# wasm and native agree on ${rows.length} network and logistic variants`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
