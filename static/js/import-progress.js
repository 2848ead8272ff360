// Polls a nominee import's progress; reloads the page when it has finished to show the result.
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root || root.getAttribute("data-finished") === "1") { return; }
  var bar = root.querySelector('[data-role="bar"]');
  var progress = root.querySelector('[data-role="progress"]');
  var status = root.querySelector('[data-role="status"]');
  var show = function (percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
  };
  show(parseInt(bar.getAttribute("data-percent"), 10) || 0);
  var poll = function () {
    fetch(root.getAttribute("data-status-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        show(job.percent);
        status.textContent = job.status_display;
        if (job.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
})();
