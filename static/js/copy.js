// Progressive enhancement for diffusion kits: "Copier" buttons (plain text, and rich HTML for
// website blocks). Without JavaScript the read-only text areas remain, to select and copy.
(function () {
  "use strict";

  function announce(block, message) {
    var status = block.querySelector("[data-copy-status]");
    if (status) { status.textContent = message; }
  }

  function copyWithTextarea(textarea) {
    textarea.focus();
    textarea.select();
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  function copy(block) {
    var textarea = block.querySelector("textarea[data-copy-text]");
    var html = block.querySelector("[data-copy-html]");
    var text = textarea.value;
    var done = function () { announce(block, block.dataset.copiedMessage); };
    var failed = function () {
      if (copyWithTextarea(textarea)) { done(); } else { announce(block, block.dataset.failedMessage); }
    };
    if (html && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html.innerHTML], { type: "text/html" })
      });
      navigator.clipboard.write([item]).then(done, failed);
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  document.querySelectorAll("[data-copy-block]").forEach(function (block) {
    var button = block.querySelector("button[data-copy]");
    var textarea = block.querySelector("textarea[data-copy-text]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(block); });
    }
    if (textarea) {
      textarea.addEventListener("focus", function () { textarea.select(); });
    }
  });
})();
