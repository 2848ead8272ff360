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

  var show = function (row, status, label, meta, history) {
    var changes = row.querySelector(".roster-changes");
    var open = changes.querySelector("details[open]");
    // The server escapes every value of the history's HTML.
    if (!open && changes.innerHTML !== (history || "")) { changes.innerHTML = history || ""; }
    var badge = row.querySelector(".roster-status > .badge");
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
        var id = row.getAttribute("data-registration");
        var mark = data.marks[id];
        var history = data.history[id] || "";
        if (mark) { show(row, mark.status, mark.label, mark.meta, history); } else { show(row, "", form.getAttribute("data-not-marked"), "", history); }
      });
    }).catch(function () { /* the next poll tries again */ });
  };
  window.setInterval(refresh, 10000);
  var reasonInput = document.getElementById("roster-reason");
  if (reasonInput) {
    reasonInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }
  // A correction (changing or undoing a mark already given) needs a reason: the one typed
  // above the roster, else asked for. Returns null when the staff member cancels.
  var askReason = function () {
    var typed = reasonInput ? reasonInput.value.trim() : "";
    if (typed) { return typed; }
    var answer = "";
    while (!answer) {
      answer = window.prompt(form.getAttribute("data-reason-prompt"), "");
      if (answer === null) { return null; }
      answer = answer.trim();
    }
    return answer;
  };

  var send = function (row, button, remark, reason) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append(button.name, button.value);
    if (remark !== null) { body.append("remark", remark); }
    if (reason) { body.append("reason", reason); }
    row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    busy += 1;
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (reply) {
      if (!reply.ok && reply.data.code === "reason_required" && !reason) {
        var asked = askReason();
        if (asked !== null) { window.setTimeout(function () { send(row, button, remark, asked); }, 0); }
        return;
      }
      if (!reply.ok || !reply.data.ok) { throw new Error(reply.data.error || form.getAttribute("data-error")); }
      show(row, reply.data.status, reply.data.label, reply.data.meta, reply.data.history);
      if (reason && reasonInput) { reasonInput.value = ""; }
    }).catch(function (error) {
      window.alert(error.message || form.getAttribute("data-error"));
    }).then(function () {
      busy -= 1;
      row.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  };

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var row = button.closest(".roster-row");
    if (!row) { return; }
    var current = row.querySelector(".roster-status > .badge").getAttribute("data-status");
    var wanted = button.name === "undo" ? "" : button.getAttribute("data-status");
    var remark = null;
    if (wanted === "excused") {
      remark = window.prompt(form.getAttribute("data-remark-prompt"), "");
      if (remark === null) { return; }
    }
    var reason = "";
    if (current && current !== wanted) {
      reason = askReason();
      if (reason === null) { return; }
    }
    send(row, button, remark, reason);
  });
})();
