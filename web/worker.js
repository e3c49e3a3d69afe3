// The compute worker's bootstrap. The page posts {mainJS, module}: the URL of the wasm-bindgen
// glue and the compiled WebAssembly.Module, so the worker instantiates the same module without
// fetching it again. It starts the rayon pool when the page is cross-origin isolated (shared
// memory can be posted to the pool's workers only then) and hands over to Rust (worker_main).
self.onmessage = async ({ data }) => {
  self.onmessage = null; // later messages belong to Rust
  try {
    const occam = await import(data.mainJS);
    await occam.default({ module_or_path: data.module });
    const isolated = self.crossOriginIsolated === true;
    if (occam.has_threads() && isolated) {
      await occam.initThreadPool(Math.max(1, navigator.hardwareConcurrency || 1));
    }
    // The files this worker loaded itself, for the page to keep offline (web/sw.js).
    const urls = [self.location.href, ...performance.getEntriesByType("resource").map((e) => e.name)];
    self.postMessage({ type: "resources", urls });
    occam.worker_main(isolated);
  } catch (e) {
    self.postMessage({ type: "error", message: "the compute worker could not start: " + String((e && e.stack) || e) });
  }
};
