// Formula evaluation throughput in headless Chromium beside the native build, in one run:
// Operon's setup (1,000 random formulas of up to 100 nodes, 10,000 rows x 10 columns) through
// `expr::throughput`, the same code and the same formulas on both sides. The browser side runs
// in a compute worker of its own (web/worker.js, as the page starts it) with the rayon pool of
// web workers; the native side in target/release/examples/expr_throughput with as many threads.
//
//   cargo build --release --example expr_throughput && make dist && node bench/browser_eval.mjs
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { serve, browser, waitForPreview, ROOT } from "../tests/browser/harness.mjs";

const app = await serve({ isolate: true });
const b = await browser();
let browserFigures;
try {
  await b.page.goto(app.url);
  await waitForPreview(b.page);
  browserFigures = await b.page.evaluate(async () => {
    const names = performance.getEntriesByType("resource").map((e) => e.name);
    const mainJS = names.find((n) => /\/occam-[0-9a-f]+\.js$/.test(n));
    const wasm = names.find((n) => /\/occam-[0-9a-f]+_bg\.wasm$/.test(n));
    if (!mainJS || !wasm) throw new Error(`the page's module was not found among ${names.join(", ")}`);
    const worker = new Worker(new URL("worker.js", mainJS), { type: "module", name: "occam-bench" });
    const next = (type) => new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === type) resolve(data);
        else if (data.type === "error") reject(new Error(data.message));
      };
    });
    const ready = next("ready");
    worker.postMessage({ mainJS, module: wasm });
    const { threads, isolated } = await ready;
    const done = next("throughput");
    worker.postMessage({ type: "throughput" });
    const { figures } = await done;
    worker.terminate();
    return { threads, isolated, figures };
  });
} finally {
  await b.close();
  await app.close();
}

const threads = browserFigures.threads;
const native = JSON.parse(execFileSync(join(ROOT, "target/release/examples/expr_throughput"), ["--threads", String(threads), "--json"], { encoding: "utf8" }));
console.log(`headless Chromium: ${threads} thread(s) in the worker's pool, cross-origin isolated: ${browserFigures.isolated}`);
console.log(`G node evaluations/s, ${native[0].formulas} formulas (mean ${native[0].mean_nodes.toFixed(1)} nodes), 10,000 rows x 10 columns`);
console.log("set             evaluator       native  browser  browser/native");
for (const n of native) {
  const w = browserFigures.figures.find((f) => f.set === n.set && f.evaluator === n.evaluator);
  const g = (x) => (x / 1e9).toFixed(2).padStart(7);
  console.log(`${n.set.padEnd(16)}${n.evaluator.padEnd(14)}${g(n.node_evals_per_s)}  ${g(w.node_evals_per_s)}  ${(w.node_evals_per_s / n.node_evals_per_s).toFixed(2).padStart(8)}`);
}
