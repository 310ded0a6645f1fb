// « Plan complet »: with htmx, a form opens, saves or moves an item without reloading the
// page; focus then goes to the opened form (or its errors) or to the item just saved.
(function () {
  "use strict";
  function focusAfterSwap() {
    var target =
      document.querySelector("#outline [data-error-summary]") ||
      document.querySelector("#outline [data-outline-focus]");
    if (!target) {
      var saved = document.querySelector("#outline [data-outline-saved]");
      if (saved) {
        var id = saved.getAttribute("data-outline-saved");
        target = document.getElementById(id + "-titre") || document.getElementById(id);
      }
    }
    if (target) {
      target.focus();
      if (target.scrollIntoView) target.scrollIntoView({ block: "nearest" });
    }
  }
  document.addEventListener("htmx:afterSettle", focusAfterSwap);
  // htmx swaps nothing on a refusal (403, 404, 500): say so where the messages go, instead
  // of a click that seems to do nothing.
  document.addEventListener("htmx:responseError", function () {
    var outline = document.getElementById("outline");
    if (!outline) return;
    var alert = outline.querySelector("[data-outline-refused]");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "errornote";
      alert.setAttribute("role", "alert");
      alert.setAttribute("tabindex", "-1");
      alert.setAttribute("data-outline-refused", "");
      outline.insertBefore(alert, outline.firstChild);
    }
    alert.textContent = outline.getAttribute("data-refused");
    alert.focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("#outline [data-error-summary], #outline [data-outline-focus]")) {
      focusAfterSwap();
    }
  });
})();
