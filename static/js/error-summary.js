// An admin form that came back with errors: the focus goes to the summary of its errors
// (templates/admin/_error_summary.html), which a screen reader then reads; each error links
// to its field. Without JavaScript the summary is the first thing after the page's heading.
(function () {
  "use strict";

  window.addEventListener("load", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
