// The console's one script of its own. While htmx sends a request, the form
// that sent it is marked busy (aria-busy), so that assistive technology
// knows its answer is coming; a style sheet cannot set an attribute. The
// visible "Working…" status needs no script: htmx puts its request class on
// #working (the body's hx-indicator) and console.css shows it.
(function () {
  "use strict";
  // A pick's search, as the member types, is not the form's request: the
  // form stays usable and its pick's status says what came.
  function form(e) {
    const elt = e.detail && e.detail.elt;
    if (!(elt instanceof Element) || elt.matches(".pick") || elt.closest(".pick-status")) {
      return null;
    }
    return elt.closest("form");
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    const f = form(e);
    if (f) {
      f.setAttribute("aria-busy", "true");
    }
  });
  // htmx:afterRequest comes after the swap, also when the request failed;
  // a form the swap replaced is gone, and its copy was never marked.
  document.addEventListener("htmx:afterRequest", function (e) {
    const f = form(e);
    if (f) {
      f.removeAttribute("aria-busy");
    }
  });
})();
