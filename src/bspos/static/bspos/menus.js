// The top bar's menus are <details>: one open at a time, closed by a click elsewhere or Escape.
(function () {
  function closeAll(except) {
    document.querySelectorAll("header.top details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("header.top details.menu") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeAll(null);
  });
  document.addEventListener("htmx:afterSwap", function () { closeAll(null); });
})();
