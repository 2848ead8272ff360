// The live question view: poll the top questions every 5 seconds and redraw the list.
(function () {
  "use strict";
  var root = document.getElementById("questions-live");
  if (!root) { return; }
  var list = document.getElementById("questions-live-list");
  var empty = document.getElementById("questions-live-empty");
  var error = document.getElementById("questions-live-error");
  var anonymous = root.getAttribute("data-anonymous-label");

  var item = function (question) {
    var li = document.createElement("li");
    li.className = "questions-live-item";
    li.setAttribute("data-question", String(question.id));
    var votes = document.createElement("span");
    votes.className = "questions-live-votes";
    votes.textContent = String(question.votes);
    var text = document.createElement("span");
    text.className = "questions-live-text";
    text.textContent = question.text;
    var meta = document.createElement("span");
    meta.className = "questions-live-meta";
    meta.textContent = (question.asker || anonymous) + (question.session ? " · " + question.session : "");
    li.appendChild(votes);
    li.appendChild(text);
    li.appendChild(meta);
    return li;
  };

  var refresh = function () {
    fetch(root.getAttribute("data-url"), {
      headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      data.questions.forEach(function (question) { list.appendChild(item(question)); });
      empty.classList.toggle("d-none", data.questions.length > 0);
      error.classList.add("d-none");
    }).catch(function () {
      error.classList.remove("d-none");
    });
  };

  window.setInterval(refresh, 5000);
})();
