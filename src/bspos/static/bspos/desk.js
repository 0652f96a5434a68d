// Keyboard shortcuts of the desk (queue and ticket pages), listed on the "?" overlay (_shortcuts.html).
// A plain file, no inline script: pages are swapped by htmx, so the handler is installed once and reads the
// page as it is when a key is pressed.
(function () {
  "use strict";
  if (window.bsposDeskShortcuts) { return; }
  window.bsposDeskShortcuts = true;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[data-href]"));
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return false; }
    var current = all.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = current < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
    all.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
    all[next].classList.add("selected");
    all[next].setAttribute("aria-selected", "true");
    all[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function open() {
    var row = document.querySelector("table.queue tbody tr.selected[data-href]");
    if (!row) { return false; }
    var link = row.querySelector("a[href]");
    if (link) { link.click(); } else { window.location.href = row.dataset.href; }
    return true;
  }

  function compose(kind) {
    var body = document.getElementById("id_body");
    if (!body) { return false; }
    var radio = document.querySelector('#composer input[name="kind"][value="' + kind + '"]');
    if (radio) { radio.checked = true; }
    body.focus();
    return true;
  }

  function search() {
    var box = document.querySelector('form.filters input[name="q"]');
    if (box) { box.focus(); box.select(); return true; }
    var overlay = document.getElementById("shortcuts");
    if (overlay && overlay.dataset.queue) { window.location.href = overlay.dataset.queue + "#search"; return true; }
    return false;
  }

  function toggleOverlay(show) {
    var overlay = document.getElementById("shortcuts");
    if (!overlay) { return false; }
    overlay.hidden = show === undefined ? !overlay.hidden : !show;
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var handled = false;
    switch (event.key) {
      case "j": handled = move(1); break;
      case "k": handled = move(-1); break;
      case "Enter": handled = open(); break;
      case "r": handled = compose("reply"); break;
      case "n": handled = compose("note"); break;
      case "/": handled = search(); break;
      case "?": handled = toggleOverlay(); break;
      case "Escape": handled = toggleOverlay(false); break;
    }
    if (handled) { event.preventDefault(); }
  });

  function focusSearchFromHash() {
    if (window.location.hash === "#search") { search(); }
  }
  document.addEventListener("htmx:afterSettle", focusSearchFromHash);
  focusSearchFromHash();
})();
