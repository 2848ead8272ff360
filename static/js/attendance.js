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
  var busy = 0;

  var show = function (row, status, label, meta) {
    var badge = row.querySelector(".roster-status .badge");
    var before = badge.getAttribute("data-status");
    row.querySelector(".roster-meta").textContent = meta || "";
    if (before === status) { return; }
    badge.textContent = label;
    badge.setAttribute("data-status", status);
    badge.className = "badge " + (status ? "attendance-" + status : "text-bg-light border");
    bump(before, -1);
    bump(status, 1);
  };

  // Marks given elsewhere (QR check-ins, another staff member) appear within seconds.
  var refresh = function () {
    if (busy || document.hidden) { return; }
    fetch(form.getAttribute("data-marks-url"), {
      headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (busy) { return; }
      rows.forEach(function (row) {
        var mark = data.marks[row.getAttribute("data-registration")];
        if (mark) { show(row, mark.status, mark.label, mark.meta); } else { show(row, "", form.getAttribute("data-not-marked"), ""); }
      });
    }).catch(function () { /* the next poll tries again */ });
  };
  window.setInterval(refresh, 10000);
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var row = button.closest(".roster-row");
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append(button.name, button.value);
    if (button.getAttribute("data-status") === "excused") {
      var remark = window.prompt(form.getAttribute("data-remark-prompt"), "");
      if (remark === null) { return; }
      body.append("remark", remark);
    }
    row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    busy += 1;
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (reply) {
      if (!reply.ok || !reply.data.ok) { throw new Error(reply.data.error || form.getAttribute("data-error")); }
      show(row, reply.data.status, reply.data.label, reply.data.meta);
    }).catch(function (error) {
      window.alert(error.message || form.getAttribute("data-error"));
    }).then(function () {
      busy -= 1;
      row.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  });
})();
