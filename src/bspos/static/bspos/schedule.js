// The dispatch board (schedule app): drag an entry to another technician, day or time; drag its right edge to change
// the end; click an empty day or slot to book it. The server decides (permissions, validation, conflicts) and answers
// the whole board again, which htmx swaps in. No inline styles (CSP): places are classes (c/s/l in schedule.css).
(function () {
  "use strict";
  var dragged = null;

  function board() { return document.getElementById("board"); }

  function send(entry, values) {
    values.csrfmiddlewaretoken = board().querySelector("input[name=csrfmiddlewaretoken]").value;
    htmx.ajax("POST", entry.dataset.moveUrl, {source: entry, target: "#board", swap: "outerHTML", values: values});
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function wallTime(day, minutes) {  // "2026-12-03T13:30": a day and minutes after its midnight
    return day + "T" + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function later(wall, minutes) {  // a wall-clock time moved by some minutes, as the datetime-local input wants it
    var moment = new Date(new Date(wall).getTime() + minutes * 60000);
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) + "T" +
      pad(moment.getHours()) + ":" + pad(moment.getMinutes());
  }

  function dropTarget(event) {  // the day or slot under the pointer, also when another entry covers it
    var found = document.elementsFromPoint(event.clientX, event.clientY);
    for (var i = 0; i < found.length; i++) {
      if (found[i].matches("#board [data-drop]")) return found[i];
    }
    return null;
  }

  function clearOver() {
    document.querySelectorAll("#board .over").forEach(function (cell) { cell.classList.remove("over"); });
  }

  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("#board .entry[draggable=true]");
    if (!entry) return;
    dragged = entry;
    entry.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.dataset.entry);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearOver();
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var cell = dropTarget(event);
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("over")) {
      clearOver();
      cell.classList.add("over");
    }
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var cell = dropTarget(event);
    if (!cell) return;
    event.preventDefault();
    var values = {technician: cell.dataset.technician};
    if (cell.dataset.day) values.day = cell.dataset.day;
    if (cell.dataset.start) values.start = cell.dataset.start;
    send(dragged, values);
  });

  // Resize on the day board: the grip at an entry's right edge snaps its end to the half hours.
  document.addEventListener("pointerdown", function (event) {
    var grip = event.target.closest && event.target.closest("#board .grip");
    if (!grip) return;
    event.preventDefault();
    var entry = grip.closest(".entry"), lanes = entry.closest(".lanes"), data = board().dataset;
    var slots = Number(data.slots), box = lanes.getBoundingClientRect(), width = box.width / slots;
    var column = Number(entry.dataset.column), span = Number(entry.dataset.span), before = span;
    entry.draggable = false;
    function spanAt(x) {
      return Math.max(1, Math.min(slots - column + 1, Math.round((x - box.left) / width) - column + 1));
    }
    function onMove(move) {
      var next = spanAt(move.clientX);
      if (next === span) return;
      entry.classList.replace("s" + span, "s" + next);
      span = next;
    }
    function onUp() {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onUp);
      entry.addEventListener("click", function (click) { click.preventDefault(); }, {once: true});
      entry.draggable = true;
      if (span === before) return;
      var minutes = Number(data.firstMinute) + (column - 1 + span) * Number(data.slotMinutes);
      send(entry, {end: wallTime(data.day, minutes)});
    }
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
  });

  // An empty day or slot fills the "Book time" form below the board.
  document.addEventListener("click", function (event) {
    if (!event.target.closest || event.target.closest(".entry")) return;
    var cell = event.target.closest("#board [data-drop]"), form = document.getElementById("book-form");
    if (!cell || !form) return;
    var start = cell.dataset.start || cell.dataset.day + "T09:00";
    form.elements.technician.value = cell.dataset.technician;
    form.elements.starts_at.value = start;
    form.elements.ends_at.value = later(start, 60);
    document.getElementById("book").open = true;
    form.elements.ticket.focus();
  });
})();
