/* Article paragraph numbers (litreview.sphinxext.paragraphs).
 * Each numbered paragraph of an article chapter shows its number in the margin as a link to itself
 * (#para-14). Following it still moves to the paragraph; with this script it also copies the
 * paragraph's address, and a status message (read by screen readers, shown briefly beside the
 * number) says so. Without JavaScript, or without clipboard access, the link is a permalink. */
(function () {
  "use strict";

  var status = null;
  var timer = null;

  function announce(link, text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      (document.querySelector("main") || document.body).appendChild(status);
    }
    status.textContent = text;
    link.classList.add("para-num--copied");
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      link.classList.remove("para-num--copied");
      status.textContent = "";
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a.para-num") : null;
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    var hash = link.getAttribute("href") || "";
    var address = window.location.href.split("#")[0] + hash;
    navigator.clipboard.writeText(address).then(
      function () {
        announce(link, "Link to paragraph " + hash.replace("#para-", "") + " copied");
      },
      function () {}
    );
  });
})();
