// « Plan complet »: with htmx, a form opens, saves or moves an item without reloading the
// page; focus then goes to the opened form (or its errors) or to the item just saved.
(function () {
  "use strict";
  function focusAfterSwap() {
    var target = document.querySelector("#outline [data-outline-focus]");
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
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("#outline [data-outline-focus]")) focusAfterSwap();
  });
})();
