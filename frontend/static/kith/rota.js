// The team's week on a phone opens on today. Without this script the days already gone
// are folded away above today, so today is near the top anyway; this brings it to the top.
(function () {
  "use strict";
  if (window.location.hash) return; // asked for somewhere else
  if (!window.matchMedia("(max-width: 640px)").matches) return; // the grid, on a laptop
  var today = document.getElementById("today");
  if (today) today.scrollIntoView({ block: "start" });
})();
