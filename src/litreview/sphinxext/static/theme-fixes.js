/* Small repairs to the theme (litreview.citepopover), each for a fault a reader meets.
 * 1. The theme wires only the first .primary-toggle / .secondary-toggle on the page, which the book
 *    theme hides; the menu buttons a reader sees did nothing. Each now works as the first does.
 * 2. The sidebar's expand/collapse toggles are <summary> elements holding only an icon: each gets
 *    a name ("Sub-pages of <section>") so screen readers can say what it opens. */
(function () {
  "use strict";

  function wireToggles(selector) {
    var buttons = document.querySelectorAll(selector);
    var first = buttons[0];
    for (var i = 1; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        first.click();
      });
    }
  }

  function nameToggles() {
    var toggles = document.querySelectorAll("nav summary");
    for (var i = 0; i < toggles.length; i++) {
      var summary = toggles[i];
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
      var item = summary.closest("li");
      var link = item ? item.querySelector(":scope > a") : null;
      var label = link ? link.textContent.trim() : "";
      summary.setAttribute("aria-label", label ? "Sub-pages of " + label : "Sub-pages");
    }
  }

  function init() {
    wireToggles(".primary-toggle");
    wireToggles(".secondary-toggle");
    nameToggles();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
