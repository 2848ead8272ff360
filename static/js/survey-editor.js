// Survey editor: drag a question to a new place (the ↑/↓ buttons do the same without script).
// On drop the new order is sent by the hidden #survey-reorder form; the page then reloads.
(function () {
  "use strict";
  var list = document.getElementById("survey-questions");
  var form = document.getElementById("survey-reorder");
  if (!list || !form) { return; }
  var items = function () { return Array.prototype.slice.call(list.querySelectorAll(".survey-question")); };
  var dragged = null;
  items().forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.classList.add("survey-question-draggable");
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      item.classList.add("opacity-50");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-question"));
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("opacity-50");
      dragged = null;
    });
    item.addEventListener("dragover", function (event) {
      if (!dragged || dragged === item) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    });
    item.addEventListener("drop", function (event) {
      if (!dragged || dragged === item) { return; }
      event.preventDefault();
      var all = items();
      var after = all.indexOf(dragged) < all.indexOf(item);
      list.insertBefore(dragged, after ? item.nextSibling : item);
      form.querySelector("input[name=order]").value = items().map(function (row) {
        return row.getAttribute("data-question");
      }).join(",");
      form.submit();
    });
  });
}());
