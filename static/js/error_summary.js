// Moves the focus to the error summary when a save was refused (templates/staff/year_entry.html),
// so a keyboard or screen-reader user lands on the list of what to fix; each item links to its input.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
})();
