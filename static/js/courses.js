// Course pages: the print button, and confirmation before destructive actions.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-print").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});
