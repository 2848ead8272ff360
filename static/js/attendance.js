// Attendance: the session roster (instant filter, marking without reloading, confirmations)
// and the check-in page (confirms at once when the phone opens the QR link).
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  var checkin = document.getElementById("checkin-form");
  if (checkin && checkin.getAttribute("data-autosubmit") === "true") {
    checkin.querySelector("button[type=submit]").disabled = true;
    checkin.submit();
  }

  var roster = document.getElementById("roster");
  if (!roster) { return; }
  var rows = Array.prototype.slice.call(roster.querySelectorAll(".roster-row"));
  var search = document.getElementById("roster-q");
  var group = document.getElementById("roster-group");
  var empty = document.getElementById("roster-empty");

  var applyFilter = function () {
    var needle = (search.value || "").trim().toLowerCase();
    var wanted = group ? group.value : "";
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!needle || row.getAttribute("data-name").toLowerCase().indexOf(needle) !== -1) &&
        (!wanted || row.getAttribute("data-group") === wanted);
      row.classList.toggle("d-none", !match);
      if (match) { shown += 1; }
    });
    empty.classList.toggle("d-none", shown !== 0);
  };
  if (search) { search.addEventListener("input", applyFilter); }
  if (group) {
    group.addEventListener("change", function () {
      applyFilter();
      var hidden = document.querySelector("#mark-all-form input[name=group]");
      if (hidden) { hidden.value = group.value; }
    });
  }

  var counters = {};
  document.querySelectorAll("#roster-counts [data-count]").forEach(function (node) {
    counters[node.getAttribute("data-count")] = node;
  });
  var bump = function (status, delta) {
    var node = counters[status];
    if (node) { node.textContent = String((parseInt(node.textContent, 10) || 0) + delta); }
  };

  var form = document.getElementById("roster-form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var row = button.closest(".roster-row");
    var badge = row.querySelector(".roster-status .badge");
    var before = badge.getAttribute("data-status");
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append(button.name, button.value);
    if (button.getAttribute("data-status") === "excused") {
      var remark = window.prompt(form.getAttribute("data-remark-prompt"), "");
      if (remark === null) { return; }
      body.append("remark", remark);
    }
    row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (reply) {
      if (!reply.ok || !reply.data.ok) { throw new Error(reply.data.error || form.getAttribute("data-error")); }
      var status = reply.data.status;
      badge.textContent = reply.data.label;
      badge.setAttribute("data-status", status);
      badge.className = "badge " + (status ? "attendance-" + status : "text-bg-light border");
      bump(before, -1);
      bump(status, 1);
      row.querySelector(".roster-meta").textContent = reply.data.meta || "";
    }).catch(function (error) {
      window.alert(error.message || form.getAttribute("data-error"));
    }).then(function () {
      row.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  });
})();
