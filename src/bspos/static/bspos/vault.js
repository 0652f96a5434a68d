// The vault's copy buttons and TOTP countdowns (no inline script: the Content-Security-Policy allows files only).
// <button data-copy="ID"> copies the text of element ID; the same button's hx-post records the copy.
// <span data-countdown="N"> counts N seconds down to 0.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = "Copied"; });
    }
  });
  setInterval(function () {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.max(0, parseInt(el.getAttribute("data-countdown"), 10) - 1);
      el.setAttribute("data-countdown", String(left));
      el.textContent = String(left);
    });
  }, 1000);
})();
