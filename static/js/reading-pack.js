// Polls a reading-pack bundle's progress; when the file is ready, its download starts by itself.
(function () {
  "use strict";
  var root = document.getElementById("pack-bundle");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var part = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
  var show = function (percent) {
    part("bar").style.width = percent + "%";
    part("bar").textContent = percent + "%";
    part("progress").setAttribute("aria-valuenow", String(percent));
  };
  show(parseInt(root.getAttribute("data-percent"), 10) || 0);
  var finished = function (status) { return status === "done" || status === "failed"; };
  if (finished(root.getAttribute("data-status"))) { return; }
  var poll = function () {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (bundle) {
        show(bundle.percent);
        part("status").textContent = bundle.status_display;
        part("files").textContent = bundle.files_done + " / " + bundle.files_total + " " + root.getAttribute("data-label-files");
        if (bundle.status === "failed") {
          part("error").textContent = bundle.error;
          part("error").classList.remove("d-none");
          part("retry").classList.remove("d-none");
          part("waiting").classList.add("d-none");
        }
        if (bundle.status === "done") {
          part("download").classList.remove("d-none");
          part("waiting").classList.add("d-none");
          part("bar").classList.remove("progress-bar-animated");
          window.location.assign(root.getAttribute("data-download-url"));
        }
        if (!finished(bundle.status)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 300);
})();
