/* The back office for keyboards and screen readers, where Django's admin falls short.
 *
 * - The autocompletes (select2) show a box of their own, not the labelled <select>: the box,
 *   its search field and its list get the select's name (its <label> or its aria-label, set
 *   in common/admin.py for a tabular inline's cells).
 * - A block marked data-refresh-every="10" (a mailing's progress) updates itself in place,
 *   instead of the whole page reloading under the user's hands.
 * Pages work without it.
 */
(function () {
  "use strict";

  function nameOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    return label ? label.textContent.replace(/\s*:\s*$/, "").trim() : select.name;
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) {
        return;
      }
      var name = nameOf(select);
      var nameId = (select.id || select.name) + "-a11y-name";
      if (!document.getElementById(nameId)) {
        var span = document.createElement("span");
        span.id = nameId;
        span.className = "a11y-name";
        span.textContent = name;
        box.appendChild(span);
      }
      box.querySelectorAll(".select2-selection").forEach(function (selection) {
        var rendered = selection.querySelector(".select2-selection__rendered[id]");
        var ids = [nameId];
        if (rendered && selection.classList.contains("select2-selection--single")) {
          ids.push(rendered.id);
          if (rendered.getAttribute("aria-labelledby") !== nameId) {
            rendered.setAttribute("aria-labelledby", nameId);
          }
        }
        if (selection.getAttribute("aria-labelledby") !== ids.join(" ")) {
          selection.setAttribute("aria-labelledby", ids.join(" "));
        }
      });
      box.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", name);
      });
      box.querySelectorAll(".select2-selection__clear:not([aria-hidden])").forEach(function (clear) {
        clear.setAttribute("aria-hidden", "true");
      });
    });
  }

  function refreshInPlace(block) {
    var seconds = parseInt(block.dataset.refreshEvery, 10);
    window.setTimeout(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(block.id);
          if (!fresh) {
            return;
          }
          block.innerHTML = fresh.innerHTML;
          if (fresh.dataset.refreshEvery) {
            refreshInPlace(block);
          } else {
            delete block.dataset.refreshEvery;
          }
        });
    }, seconds * 1000);
  }

  function start() {
    nameAutocompletes();
    // Boxes drawn later (a row added, a choice made) are named as they appear; naming them
    // again changes nothing, so the observer settles.
    new MutationObserver(nameAutocompletes).observe(document.body, { childList: true, subtree: true });
    document.querySelectorAll("[data-refresh-every][id]").forEach(refreshInPlace);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { window.setTimeout(start); });
  } else {
    start();
  }
})();
