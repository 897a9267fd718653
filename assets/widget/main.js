/*
 * raqib widget/main.js: the reader widget's entry, imported by the /embed.js loader (a
 * classic script, so host pages keep one plain <script src=".../embed.js" defer> tag):
 *
 *   import(new URL("widget/main.js", embedJsUrl)).then((m) => m.startWidget({origin, nonce}))
 *
 * `origin` is where embed.js came from (the API's base unless the host's div says data-api),
 * `nonce` the script tag's nonce (given to the widget's <style> under a nonce-based CSP).
 * The widget is drawn in <div id="raqib-comments" data-article="…"> once the page is parsed;
 * window.raqib.reload() (set up by the loader) loads the comments again.
 */

import { injectStyle } from './style.js';
import { mount, reloadMounts } from './mount.js';

export function startWidget(options) {
  const o = options || {};
  const raqib = window.raqib || (window.raqib = {});
  raqib.reload = reloadMounts;
  function drawWidget() {
    const root = document.getElementById("raqib-comments");
    if (!root) return;
    injectStyle(o.nonce);
    mount(root, o.origin || location.origin);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawWidget);
  else drawWidget();
}
