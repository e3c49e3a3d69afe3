// Parse throughput in headless Chromium, one page, one file: occam's loader in its compute
// worker (through #file-input, as a user loads a file) against PapaParse on the page.
//
//   make dist && python3 bench/gen_numeric_csv.py /tmp/p100.csv 100 && node bench/browser_parse.mjs /tmp/p100.csv
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { serve, browser, waitForPreview, ROOT } from "../tests/browser/harness.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/browser_parse.mjs FILE.csv");
  process.exit(2);
}
const bytes = (await stat(file)).size;
const mb = bytes / 1e6;
const app = await serve({ isolate: true, extra: {
  "/bench/papaparse.min.js": join(ROOT, "node_modules/papaparse/papaparse.min.js"),
  "/bench/data.csv": file,
} });
const b = await browser();
try {
  await b.page.goto(app.url);
  await waitForPreview(b.page);
  const threads = await b.page.$eval("#threads", (t) => t.textContent);

  const occam = [];
  for (let run = 0; run < 3; run++) {
    const name = file.split("/").pop();
    await b.page.$eval("#data-preview", (p) => { p.innerHTML = ""; });
    const t0 = Date.now();
    await b.page.setInputFiles("#file-input", file);
    await b.page.waitForFunction((n) => document.querySelector("#data-preview p")?.textContent.startsWith(n), name, { timeout: 600_000 });
    const wall = (Date.now() - t0) / 1000;
    const d = await b.page.$eval("#data-preview", (p) => ({ load: Number(p.dataset.loadMs) / 1000, memory: Number(p.dataset.memoryBytes) }));
    occam.push({ ...d, wall });
  }

  await b.page.addScriptTag({ url: "/bench/papaparse.min.js" });
  const papa = await b.page.evaluate(async () => {
    const text = await (await fetch("/bench/data.csv")).text();
    const time = (config) => {
      const times = [];
      let rows = 0;
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        rows = Papa.parse(text, config).data.length;
        times.push((performance.now() - t0) / 1000);
      }
      return { times, rows };
    };
    return {
      arrays: time({ dynamicTyping: true, skipEmptyLines: true }),
      objects: time({ header: true, dynamicTyping: true, skipEmptyLines: true }),
    };
  });

  const best = (xs) => Math.min(...xs);
  const occamLoad = best(occam.map((o) => o.load));
  const papaArrays = best(papa.arrays.times);
  const papaObjects = best(papa.objects.times);
  console.log(`${file}: ${mb.toFixed(1)} MB; occam's worker pool: ${threads}`);
  console.log(`occam loader in the worker (parse + kinds + steps)  ${(mb / occamLoad).toFixed(1)} MB/s  ${occamLoad.toFixed(3)} s`);
  console.log(`occam, file picked to preview shown (read, transfer, parse, describe, draw)  ${best(occam.map((o) => o.wall)).toFixed(3)} s`);
  console.log(`PapaParse 5.7.1 on the page, rows as arrays (dynamicTyping)  ${(mb / papaArrays).toFixed(1)} MB/s  ${papaArrays.toFixed(3)} s  (${papa.arrays.rows} rows)`);
  console.log(`PapaParse 5.7.1 on the page, rows as objects (header, dynamicTyping)  ${(mb / papaObjects).toFixed(1)} MB/s  ${papaObjects.toFixed(3)} s`);
  console.log(`occam / PapaParse (arrays): ${(papaArrays / occamLoad).toFixed(2)}x`);
  console.log(`wasm memory after the first load: ${(occam[0].memory / 1e6).toFixed(0)} MB; after three: ${(occam[2].memory / 1e6).toFixed(0)} MB`);
} finally {
  await b.close();
  await app.close();
}
