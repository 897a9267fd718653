/*
 * raqib widget/style.js: the reader widget's stylesheet, added to the host page as one
 * <style id="raqib-style">. Everything is under .raqib-root and inherits the page's font and
 * colours; --raqib-accent and friends can be set by the host page.
 */

const CSS = `
.raqib-root{--raqib-accent:#0b6e4f;--raqib-line:rgba(127,127,127,.35);--raqib-soft:rgba(127,127,127,.08);--raqib-error:#b3261e;
  position:relative;color:inherit;font:inherit;line-height:1.7;margin:2rem 0;max-width:48rem}
.raqib-root *{box-sizing:border-box}
.raqib-root [hidden]{display:none!important}
.raqib-title{font-size:1.3em;margin:0 0 .75rem}
.raqib-list,.raqib-replies{list-style:none;margin:0;padding:0}
.raqib-comment{border-top:1px solid var(--raqib-line);padding:.75rem 0 .5rem}
.raqib-replies{border-inline-start:2px solid var(--raqib-line);margin-inline-start:.75rem;padding-inline-start:1rem}
.raqib-replies:empty{display:none}
.raqib-replies>.raqib-comment{border-top:0;padding-bottom:0}
.raqib-meta{display:flex;flex-wrap:wrap;align-items:baseline;gap:.1rem .75rem;font-size:.92em}
.raqib-author{font-weight:bold}
.raqib-time{opacity:.7;font-size:.9em}
.raqib-body{margin:.25rem 0;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}
.raqib-actions{display:flex;flex-wrap:wrap;gap:1rem;font-size:.88em}
.raqib-link{background:none;border:0;padding:0;color:var(--raqib-accent);font:inherit;text-decoration:underline;cursor:pointer;
  min-height:44px;min-width:44px}
.raqib-link:disabled{opacity:.6;cursor:default}
.raqib-note,.raqib-muted{font-size:.88em;opacity:.8;margin:.2rem 0 0}
.raqib-form{background:var(--raqib-soft);border:1px solid var(--raqib-line);border-radius:6px;margin-top:1.5rem;padding:1rem}
.raqib-form h3{font-size:1.1em;margin:0 0 .75rem}
.raqib-field{margin:0 0 .9rem}
.raqib-label,.raqib-captcha legend{display:block;font-weight:bold;margin-bottom:.2rem;padding:0}
.raqib-req{font-size:.85em;font-weight:normal;opacity:.75;margin-inline-start:.4rem}
.raqib-input{display:block;width:100%;padding:.45rem .6rem;background:transparent;color:inherit;font:inherit;
  border:1px solid var(--raqib-line);border-radius:4px}
textarea.raqib-input{min-height:8rem;resize:vertical}
.raqib-input[aria-invalid=true]{border-color:var(--raqib-error)}
.raqib-short{max-width:14rem}
.raqib-error{color:var(--raqib-error);font-size:.9em;margin:.25rem 0 0}
.raqib-captcha{border:0;margin:0 0 .9rem;padding:0}
.raqib-captcha-box{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin:.3rem 0}
.raqib-captcha-img{display:block;max-width:100%;background:#fff;border:1px solid var(--raqib-line);border-radius:4px}
.raqib-question{font-weight:bold;margin:0}
.raqib-reply-to{display:flex;flex-wrap:wrap;gap:.5rem;background:var(--raqib-soft);border-radius:4px;margin:0 0 .75rem;padding:.4rem .6rem}
.raqib-button{background:var(--raqib-accent);color:#fff;border:1px solid var(--raqib-accent);border-radius:4px;
  padding:.5rem 1.25rem;font:inherit;font-weight:bold;cursor:pointer}
.raqib-button:disabled{opacity:.6;cursor:progress}
.raqib-more{background:transparent;color:var(--raqib-accent);margin:1rem 0}
.raqib-status{border-radius:4px;margin:.75rem 0 0;padding:.5rem .75rem}
.raqib-status:empty{display:none}
.raqib-ok{background:rgba(11,110,79,.12)}
.raqib-bad{background:rgba(179,38,30,.1);color:var(--raqib-error)}
.raqib-count{text-align:end}
.raqib-over{color:var(--raqib-error);opacity:1}
.raqib-closed{background:var(--raqib-soft);border:1px solid var(--raqib-line);border-radius:6px;margin-top:1.5rem;padding:.75rem 1rem}
.raqib-own{opacity:.85}
.raqib-badge{font-size:.8em;border:1px solid var(--raqib-line);border-radius:999px;padding:0 .5rem}
.raqib-form-reply{margin:.5rem 0 1rem}
.raqib-button{min-height:44px}
.raqib-input{min-height:44px}
.raqib-hp{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;

/** The widget's stylesheet, once per page (with the script's nonce under a nonce-based CSP). */
export function injectStyle(nonce) {
  if (document.getElementById("raqib-style")) return;
  const style = document.createElement("style");
  style.id = "raqib-style";
  // Under a nonce-based CSP, the style shares the script's nonce.
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  (document.head || document.documentElement).appendChild(style);
}
