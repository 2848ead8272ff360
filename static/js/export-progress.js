// Polls an export job's progress and updates the bar, the error and the download button.
(function () {
  "use strict";
  var root = document.getElementById("export-job");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var part = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
  var show = function (percent) {
    part("bar").style.width = percent + "%";
    part("bar").textContent = percent + "%";
    part("progress").setAttribute("aria-valuenow", String(percent));
  };
  show(parseInt(root.getAttribute("data-percent"), 10) || 0);
  var finished = function (status) { return status === "done" || status === "failed" || status === "expired"; };
  if (finished(root.getAttribute("data-status"))) { return; }
  var poll = function () {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        show(job.percent);
        part("status").textContent = job.status_display;
        if (job.rows_total) {
          part("rows").textContent = job.rows_done + " / " + job.rows_total + " " + root.getAttribute("data-label-rows");
        }
        if (job.status === "failed") {
          part("error").textContent = job.error;
          part("error").classList.remove("d-none");
        }
        if (job.status === "done") {
          part("download").classList.remove("d-none");
          part("bar").classList.remove("progress-bar-animated");
        }
        if (!finished(job.status)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
})();
