/* Repairs to the book theme (litreview.sphinxext.theme), each for a fault a reader met.
 * 1. The theme wires only the first .primary-toggle / .secondary-toggle on the page, which the book
 *    theme hides; the menu buttons a reader sees did nothing. Each now works as the first does.
 * 2. The sidebar's expand/collapse toggles are <summary> elements holding only an icon: each gets
 *    a name ("Sub-pages of <section>") so screen readers can say what it opens.
 * 3. A Search button that shows "Search Ctrl+K" is named by that text, not only "Search".
 * 4. The site title in the sidebar sits inside a landmark (the sidebar is named "Book").
 * 5. Wide tables: every cell carries its column's heading, so on a phone a row reads as a card.
 * 6. A Copy button on every code block.
 * 7. Search results quote the page's article, not its buttons and menus.
 * 8. A table of five columns or more grows into the margin on a laptop (the theme's full-width).
 * 9. A chapter's editorial boxes ("About this edition", the editors' summary) are disclosures,
 *    closed on a phone so the article starts on the first screen, open on a laptop. */
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

  function nameSearchButtons() {
    var buttons = document.querySelectorAll(".search-button-field[aria-label]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].textContent.trim()) buttons[i].removeAttribute("aria-label");
    }
  }

  function sidebarLandmark() {
    var sidebar = document.querySelector(".bd-sidebar-primary");
    if (sidebar && !sidebar.hasAttribute("role") && sidebar.tagName !== "ASIDE") {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "Book");
    }
  }

  function labelTableCells() {
    var tables = document.querySelectorAll(".bd-article table");
    for (var t = 0; t < tables.length; t++) {
      var table = tables[t];
      var head = table.tHead && table.tHead.rows[0];
      if (!head || head.cells.length < 2) continue;
      var labels = [];
      for (var h = 0; h < head.cells.length; h++) labels.push(head.cells[h].textContent.trim());
      var bodies = table.tBodies;
      for (var b = 0; b < bodies.length; b++) {
        for (var r = 0; r < bodies[b].rows.length; r++) {
          var cells = bodies[b].rows[r].cells;
          for (var c = 0; c < cells.length && c < labels.length; c++) {
            if (labels[c]) cells[c].setAttribute("data-label", labels[c]);
          }
        }
      }
      // Shown as cards, a table keeps what it is for screen readers.
      table.setAttribute("role", "table");
      var rows = table.rows;
      for (var i = 0; i < rows.length; i++) {
        rows[i].setAttribute("role", "row");
        for (var j = 0; j < rows[i].cells.length; j++) {
          var cell = rows[i].cells[j];
          var inHead = cell.parentNode.parentNode.tagName === "THEAD";
          cell.setAttribute("role", inHead ? "columnheader" : cell.tagName === "TH" ? "rowheader" : "cell");
        }
      }
      table.classList.add("lit-cards");
      var container = table.parentElement;
      if (head.cells.length >= 5 && container && container.classList.contains("pst-scrollable-table-container"))
        container.classList.add("full-width");
    }
  }

  function collapseEditorialBoxes() {
    var boxes = document.querySelectorAll(".bd-article div.admonition.about-edition, .bd-article div.admonition.editors-summary");
    var phone = window.matchMedia("(max-width: 767.98px)").matches;
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var title = box.querySelector(":scope > .admonition-title");
      if (!title) continue;
      var details = document.createElement("details");
      details.className = "lit-editorial";
      var summary = document.createElement("summary");
      summary.className = "admonition-title";
      while (title.firstChild) summary.appendChild(title.firstChild);
      title.remove();
      details.appendChild(summary);
      while (box.firstChild) details.appendChild(box.firstChild);
      box.appendChild(details);
      details.open = !phone;
    }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll(".bd-article div.highlight");
    if (!blocks.length) return;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    for (var i = 0; i < blocks.length; i++) {
      (function (block) {
        var pre = block.querySelector("pre");
        if (!pre) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "lit-copy";
        button.textContent = "Copy";
        button.addEventListener("click", function () {
          copyText(pre.textContent).then(
            function () {
              button.textContent = "Copied";
              status.textContent = "Copied to the clipboard";
              window.setTimeout(function () {
                button.textContent = "Copy";
                status.textContent = "";
              }, 2000);
            },
            function () {
              status.textContent = "Could not copy: select the text instead";
            }
          );
        });
        block.appendChild(button);
      })(blocks[i]);
    }
  }

  /* Sphinx's search quotes a snippet of each page it finds, taken from [role=main]: in this theme
   * that holds the page's buttons too ("System Settings Light Dark …"). Keep the article only. */
  function searchFromArticles() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.litArticleOnly) return;
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      var article = doc.querySelector("article.bd-article");
      var main = doc.querySelector('[role="main"]');
      if (article && main) {
        main.innerHTML = article.outerHTML;
        htmlString = doc.documentElement.outerHTML;
      }
      return original.call(Search, htmlString, anchor);
    };
    Search.litArticleOnly = true;
  }

  function init() {
    wireToggles(".primary-toggle");
    wireToggles(".secondary-toggle");
    nameToggles();
    nameSearchButtons();
    sidebarLandmark();
    labelTableCells();
    collapseEditorialBoxes();
    addCopyButtons();
  }

  searchFromArticles();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
