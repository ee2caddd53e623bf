/* Citation popovers (litreview.citepopover).
 * A citation is a link to a "#cite-<key>" anchor whose title holds the formatted reference; the page
 * also carries it as HTML in <template id="citepop-tpl-cite-<key>">. Hovering or focusing a citation
 * shows that reference (italics, dashes, its link) in a popover (role="tooltip", tied to the link by
 * aria-describedby) with a link to the entry; Escape closes it. On a touch screen the first tap opens
 * the popover and a second tap follows the link. Without JavaScript the link and its title tooltip
 * work as before. A paragraph locator ("para. 14", a link to an article's paragraph) gets the same
 * popover, showing the paragraph's own text. */
(function () {
  "use strict";

  var script = document.currentScript;
  var PREFIX = (script && script.getAttribute("data-cite-prefix")) || "cite-";
  var LETTERS = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f";
  var CYRILLIC = new RegExp(
    "[" + LETTERS + "]+(?:[\\s\\-\u2013\u2014.,:;\u00ab\u00bb\u201e\u201c\u201d'\u2019()]+[" + LETTERS + "]+)*",
    "g"
  );
  var HIDE_DELAY = 250; // ms: time to move the pointer from the link onto the popover
  var current = null; // the link whose popover is shown
  var hideTimer = null;
  var count = 0;
  var lastPointer = ""; // "mouse", "touch" or "pen": how the last press was made
  var opened = false; // the current popover was opened by a tap (a second tap follows the link)

  /* A paragraph locator ("para. 14" in a citation of an article): its popover shows the paragraph. */
  function isLocator(link) {
    return link.classList.contains("para-locator");
  }

  function isCitation(link) {
    var href = link.getAttribute("href") || "";
    var hash = href.indexOf("#");
    return hash >= 0 && href.slice(hash + 1).indexOf(PREFIX) === 0;
  }

  /* Put text into el, Cyrillic runs in <span lang="ru"> so they are read in Russian. */
  function fillText(el, text) {
    var last = 0;
    text.replace(CYRILLIC, function (run, offset) {
      if (offset > last) el.appendChild(document.createTextNode(text.slice(last, offset)));
      var span = document.createElement("span");
      span.lang = "ru";
      span.textContent = run;
      el.appendChild(span);
      last = offset + run.length;
      return run;
    });
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  /* The formatted reference the page carries for this citation (a <template>), else the title. */
  function fillReference(tip, link, text) {
    if (isLocator(link)) {
      fillText(tip, text); // the paragraph's own words (litreview.sphinxext.locators)
      return;
    }
    var href = link.getAttribute("href") || "";
    var template = document.getElementById("citepop-tpl-" + href.slice(href.indexOf("#") + 1));
    if (!template || !template.content) {
      fillText(tip, text);
      return;
    }
    tip.appendChild(document.importNode(template.content, true)); // Cyrillic already marked lang="ru"
    var links = tip.querySelectorAll("a");
    for (var i = 0; i < links.length; i++) links[i].tabIndex = -1; // as the "Go to the entry" link
  }

  function build(link) {
    var text = link.getAttribute("title");
    var id = "citepop-" + ++count;
    var pop = document.createElement("div");
    pop.className = "citepop";
    pop.hidden = true;
    var tip = document.createElement("div");
    tip.id = id;
    tip.className = "citepop__text";
    tip.setAttribute("role", "tooltip");
    fillReference(tip, link, text);
    var go = document.createElement("a");
    go.className = "citepop__link";
    go.href = link.getAttribute("href");
    go.tabIndex = -1; // keyboard users already hold a link to the same place: the citation itself
    go.textContent = isLocator(link) ? "Go to the paragraph \u2192" : "Go to the entry \u2192";
    pop.appendChild(tip);
    pop.appendChild(go);
    pop.addEventListener("mouseenter", cancelHide);
    pop.addEventListener("mouseleave", scheduleHide);
    // Inside the page's main landmark, so its text is part of the page's content for screen readers.
    (document.querySelector("main") || document.body).appendChild(pop);
    link.citePopover = pop;
    link.setAttribute("data-cite-text", text);
    link.setAttribute("aria-describedby", id);
    link.removeAttribute("title"); // the popover replaces the browser's tooltip
  }

  function place(link, pop) {
    var rects = link.getClientRects();
    var r = rects.length ? rects[0] : link.getBoundingClientRect();
    var view = document.documentElement.clientWidth;
    var gap = 6;
    var margin = 8;
    pop.style.left = "0px";
    pop.style.top = "0px";
    var w = pop.offsetWidth;
    var h = pop.offsetHeight;
    var left = Math.min(Math.max(r.left, margin), Math.max(margin, view - w - margin));
    var top = r.bottom + gap;
    if (top + h > window.innerHeight && r.top - gap - h > 0) top = r.top - gap - h;
    var base = pop.offsetParent ? pop.offsetParent.getBoundingClientRect() : { left: -window.scrollX, top: -window.scrollY };
    pop.style.left = left - base.left + "px";
    pop.style.top = top - base.top + "px";
  }

  function show(link) {
    cancelHide();
    if (current === link) return;
    hide();
    current = link;
    link.citePopover.hidden = false;
    place(link, link.citePopover);
  }

  function hide() {
    cancelHide();
    if (current) current.citePopover.hidden = true;
    current = null;
    opened = false;
  }

  function cancelHide() {
    if (hideTimer) window.clearTimeout(hideTimer);
    hideTimer = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(hide, HIDE_DELAY);
  }

  function citationFrom(target) {
    var link = target && target.closest ? target.closest("a[aria-describedby^='citepop-']") : null;
    return link && link.citePopover ? link : null;
  }

  function init() {
    var links = document.querySelectorAll("a[href*='#" + PREFIX + "'][title]");
    for (var i = 0; i < links.length; i++) {
      if (isCitation(links[i])) build(links[i]);
    }
    var locators = document.querySelectorAll("a.para-locator[title]");
    for (var j = 0; j < locators.length; j++) build(locators[j]);
    document.addEventListener("mouseover", function (event) {
      var link = citationFrom(event.target);
      if (link) show(link);
    });
    document.addEventListener("mouseout", function (event) {
      var link = citationFrom(event.target);
      if (link && link === current && !link.contains(event.relatedTarget)) scheduleHide();
    });
    /* On a touch screen there is no hover: the first tap on a citation opens its popover, a second
     * tap (or the popover's link) follows it; a tap elsewhere closes it. */
    document.addEventListener("pointerdown", function (event) {
      lastPointer = event.pointerType;
    }, true);
    document.addEventListener("click", function (event) {
      var link = citationFrom(event.target);
      if (lastPointer !== "touch" && lastPointer !== "pen") return;
      if (link) {
        if (current !== link || !opened) {
          event.preventDefault();
          show(link);
          opened = true;
        }
        return;
      }
      if (current && !current.citePopover.contains(event.target)) hide();
    }, true);
    document.addEventListener("focusin", function (event) {
      var link = citationFrom(event.target);
      if (link) show(link);
    });
    document.addEventListener("focusout", function (event) {
      var link = citationFrom(event.target);
      if (link && link === current) hide();
    });
    document.addEventListener("keydown", function (event) {
      lastPointer = ""; // Enter on a focused citation follows it
      if (event.key === "Escape" && current) hide();
    });
    window.addEventListener("resize", function () {
      if (current) place(current, current.citePopover);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
