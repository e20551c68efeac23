// Polls the import job's status while its rows are checked (templates/staff/import_job.html).
(function () {
  var form = document.getElementById("import-continue");
  if (!form) { return; }
  var status = document.getElementById("import-progress");
  var bar = document.getElementById("import-progress-bar");
  var url = form.dataset.statusUrl;
  form.hidden = true;
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) {
        status.textContent = data.label;
        bar.max = data.total;
        bar.value = data.processed;
        if (data.status === "pending") { window.setTimeout(poll, 250); } else { window.location.reload(); }
      })
      .catch(function () { form.hidden = false; });
  }
  poll();
})();
