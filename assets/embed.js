/*
 * raqib embed.js: the reader-facing comment widget's loader (plain JavaScript, no
 * dependencies). Host pages keep one classic tag:
 *
 *   <div id="raqib-comments" data-article="ARTICLE-KEY"></div>
 *   <script src="https://raqib.host/embed.js" defer></script>
 *
 * Optional on the div: data-lang="ar|en" (else <html lang>; Arabic by default) and
 * data-api="https://…" (API base, when it is not the script's origin).
 * No cookies, no storage. Server text reaches the page through textContent only.
 *
 * This file only finds its own URL (document.currentScript, read at once), sets up
 * window.raqib, and imports the widget's modules from beside it (widget/main.js and what it
 * imports, served with Access-Control-Allow-Origin: *), giving them this script's origin and
 * nonce. When they cannot be loaded, the div says that the server could not be reached.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  var nonce = (script && script.nonce) || "";
  var origin = location.origin;
  var here = origin + "/embed.js";
  try {
    var url = new URL(script.src, location.href);
    origin = url.origin;
    here = url.href;
  } catch (e) { /* keep the page's */ }

  window.raqib = { version: "1.0.0", reload: function () { /* nothing shown yet */ } };

  var parsed = new Promise(function (resolve) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();
  });

  import(new URL("widget/main.js", here).href).then(function (widget) {
    widget.startWidget({ origin: origin, nonce: nonce });
  }, function () {
    // The same words and place as the widget's list status when the server cannot be reached.
    parsed.then(function () {
      var root = document.getElementById("raqib-comments");
      if (!root || root.hasAttribute("data-raqib-mounted")) return;
      var asked = String(root.getAttribute("data-lang") || "").toLowerCase().slice(0, 2);
      var page = String(document.documentElement.lang || "").toLowerCase().slice(0, 2);
      var en = asked === "en" || (asked !== "ar" && page === "en");
      var section = document.createElement("section");
      var title = document.createElement("h2");
      var status = document.createElement("p");
      title.className = "raqib-title";
      title.textContent = en ? "Comments" : "التعليقات";
      status.className = "raqib-muted";
      status.setAttribute("data-raqib", "list-status");
      status.setAttribute("aria-live", "polite");
      status.textContent = en
        ? "Could not reach the server; please try again later."
        : "تعذّر الاتصال بالخادم، يرجى المحاولة لاحقًا.";
      section.appendChild(title);
      section.appendChild(status);
      root.textContent = "";
      root.classList.add("raqib-root");
      root.setAttribute("lang", en ? "en" : "ar");
      root.setAttribute("dir", en ? "ltr" : "rtl");
      root.appendChild(section);
    });
  });
})();
