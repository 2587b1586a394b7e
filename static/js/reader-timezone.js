// Tell the server the reader's time zone (a cookie, read when pages are rendered), and fill
// the "Your time" column of a timetable rendered before the zone was known.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var current = (document.cookie.match(/(?:^|;\s*)tz=([^;]*)/) || [])[1];
  if (!current) {
    // Zone names ("Europe/Paris", "America/Port-au-Prince") are valid cookie values as they are.
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
  if (current) { return; }  // the server already rendered the reader's times
  var fmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone });
  document.addEventListener("DOMContentLoaded", function () {
    var cells = document.querySelectorAll("td.reader-time[data-start]");
    cells.forEach(function (cell) {
      cell.textContent = fmt.format(new Date(cell.dataset.start)) + "–" + fmt.format(new Date(cell.dataset.end));
    });
    document.querySelectorAll("[data-reader-zone-label]").forEach(function (el) { el.textContent = zone; });
  });
})();
