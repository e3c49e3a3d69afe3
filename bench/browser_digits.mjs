// Network training in headless Chromium on the digits, as a user does it: the CSV through
// #file-input, hidden widths in #hidden, "Train and compress networks", then the report's
// timings (the same figures `occam compress --json` gives natively).
//
//   make dist && python3 bench/digits_bench.py --export /tmp/digits.csv && node bench/browser_digits.mjs /tmp/digits.csv 64,32
import { readFile } from "node:fs/promises";
import { serve, browser, waitForPreview } from "../tests/browser/harness.mjs";

const [file, hidden = "64,32"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/browser_digits.mjs DIGITS.csv [HIDDEN]");
  process.exit(2);
}
const app = await serve({ isolate: true });
const b = await browser();
try {
  await b.page.goto(`${app.url}#hidden=${encodeURIComponent(hidden)}`);
  await waitForPreview(b.page);
  const threads = await b.page.$eval("#threads", (t) => t.textContent);
  await b.page.setInputFiles("#file-input", file);
  await b.page.waitForFunction(() => document.querySelector("#data-preview p")?.textContent.startsWith("digits"), null, { timeout: 60_000 });
  await b.page.selectOption("#target-select", "digit");
  const t0 = Date.now();
  await b.page.click("#run-compress");
  await b.page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("done"), null, { timeout: 600_000 });
  const wall = (Date.now() - t0) / 1000;
  const [download] = await Promise.all([b.page.waitForEvent("download"), b.page.click("#download-report")]);
  const report = JSON.parse(await readFile(await download.path(), "utf8"));
  const train = report.timings.find((t) => t.stage === "train network");
  const float32 = report.candidates.find((c) => c.family === "mlp" && c.compression === "float32");
  console.log(`headless Chromium (${threads}), hidden ${hidden}`);
  console.log(`training: ${train.seconds.toFixed(2)} s, ${train.epochs} epochs (${(1000 * train.seconds / train.epochs).toFixed(1)} ms/epoch), test accuracy ${float32.test.accuracy.toFixed(4)}`);
  console.log(`whole compress run (train, sweeps, search, linear model): ${wall.toFixed(1)} s, ${report.candidates.length} candidates`);
} finally {
  await b.close();
  await app.close();
}
