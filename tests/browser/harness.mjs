// Shared pieces of the browser tests: a static file server for dist/ (with or without the
// COOP/COEP headers, the way a plain host like GitHub Pages serves it), and Debian's headless
// Chromium driven by playwright-core, recording console errors and every request the page makes.
import { createServer } from "node:http";
import { readFile, mkdtemp, mkdir } from "node:fs/promises";
import { join, extname, normalize, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
export const DIST = join(ROOT, "dist");
export const ARTIFACTS = join(ROOT, "target", "browser-artifacts");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".css": "text/css", ".csv": "text/csv", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png",
};

/** Serves DIST on 127.0.0.1 at a free port. `isolate` adds COOP/COEP as `make serve` does;
 *  `extra` maps further URL paths to files (benchmarks serve their data and peers this way). */
export async function serve({ isolate, extra = {}, prefix = "/" }) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    // A project page: the site lives under `prefix`, and nothing outside it exists.
    if (!extra[path]) {
      if (!path.startsWith(prefix)) { res.writeHead(404).end("not found"); return; }
      path = "/" + path.slice(prefix.length);
    }
    const file = extra[path] || normalize(join(DIST, path.endsWith("/") ? path + "index.html" : path));
    if (!extra[path] && !file.startsWith(DIST)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      const headers = { "Content-Type": TYPES[extname(file)] || "application/octet-stream", "Cache-Control": "no-store" };
      if (isolate) {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}${prefix}`;
  // `cut` plays a network that fails: the server stops and drops every open connection.
  const cut = () => { server.close(); server.closeAllConnections(); };
  return { url, cut, close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

/** A fresh headless Chromium profile. `serviceWorkers: false` plays a browser without service
 *  workers (as in some private modes): web/sw.js then cannot isolate the page. */
export async function browser({ serviceWorkers = true } = {}) {
  const profile = await mkdtemp(join(tmpdir(), "occam-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    serviceWorkers: serviceWorkers ? "allow" : "block",
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  if (!serviceWorkers) {
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "serviceWorker", { get: () => undefined }));
  }
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  context.on("request", (r) => requests.push(r.url()));
  return { context, page, errors, requests, close: () => context.close() };
}

/** Waits for the worker to report its pool and for the preview of a table to appear. The
 *  settings (folded under "More settings" for a class) are opened for the tests that fill them,
 *  unless `settings` is false. */
export async function waitForPreview(page, timeout = 60_000, { settings = true } = {}) {
  await page.waitForFunction(() => document.querySelector("#threads")?.dataset.threads, null, { timeout });
  await page.waitForSelector("#data-preview table", { timeout });
  if (settings) await page.$eval("#more-settings", (d) => { d.open = true; });
}

/** The requests that went anywhere but the page's own origin (blob: and data: URLs are local). */
export function foreignRequests(requests, base) {
  const origin = new URL(base).origin;
  return requests.filter((u) => !u.startsWith("blob:") && !u.startsWith("data:") && new URL(u).origin !== origin);
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Runs the native `occam` (built with the test profile, as `make test-native` leaves it) with
 *  `args` and parses its JSON output. A shell that sourced scripts/wasm-env.sh is undone here,
 *  so the machine's own toolchain builds it. */
export async function nativeJson(args) {
  const { execFileSync } = await import("node:child_process");
  const env = { ...process.env };
  for (const k of ["CARGO_TARGET_DIR", "RUSTUP_TOOLCHAIN", "CARGO_UNSTABLE_BUILD_STD", "RUSTC_BOOTSTRAP"]) delete env[k];
  execFileSync("cargo", ["build", "--quiet", "--profile", "test", "--bin", "occam"], { cwd: ROOT, stdio: "inherit", env });
  return JSON.parse(execFileSync(`${ROOT}/target/debug/occam`, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 }));
}
