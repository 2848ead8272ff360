// Polls a background job's progress (templates/jobs/includes/progress.html): the bar, the count,
// the status and the error; once the job is over, shows the download (and starts it, when the
// page asks), the "try again" form, or reloads the page to show the result.
(function () {
  "use strict";
  var watch = function (root) {
    // The include may be on a page more than once, and so may this script.
    if (root.hasAttribute("data-watched")) { return; }
    root.setAttribute("data-watched", "1");
    var part = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
    var toggle = function (role, visible) {
      var element = part(role);
      if (element) { element.classList.toggle("d-none", !visible); }
    };
    var show = function (percent) {
      var bar = part("bar");
      if (!bar) { return; }
      bar.style.width = percent + "%";
      bar.textContent = percent + "%";
      part("progress").setAttribute("aria-valuenow", String(percent));
    };
    show(parseInt(root.getAttribute("data-percent"), 10) || 0);
    if (root.getAttribute("data-finished") === "1") { return; }
    var unit = root.getAttribute("data-unit");
    var poll = function () {
      fetch(root.getAttribute("data-status-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          show(job.percent);
          part("status").textContent = job.status_display;
          if (unit && job.total) { part("count").textContent = job.done + " / " + job.total + " " + unit; }
          if (!job.finished) { window.setTimeout(poll, 1000); return; }
          if (root.getAttribute("data-reload-when-finished")) { window.location.reload(); return; }
          toggle("waiting", false);
          if (part("bar")) { part("bar").classList.remove("progress-bar-animated"); }
          if (job.status === "done") {
            toggle("download", true);
            if (root.getAttribute("data-auto-download")) { window.location.assign(root.getAttribute("data-auto-download")); }
          } else if (job.error) {
            part("error").textContent = job.error;
            toggle("error", true);
            toggle("retry", true);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 300);
  };
  document.querySelectorAll("[data-job-progress]").forEach(watch);
})();
