// Registration list: tick every row of the page, and confirm before moving someone to the
// waiting list.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("tick-all");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll(".row-tick").forEach((box) => {
        box.checked = all.checked;
      });
    });
  }
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});
