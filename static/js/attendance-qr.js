// The projected check-in code: fetch a fresh signed code when the current one turns over.
(function () {
  "use strict";
  var stage = document.getElementById("qr-stage");
  if (!stage) { return; }
  var image = document.getElementById("qr-image");
  var link = document.getElementById("qr-url");
  var countdown = document.getElementById("qr-countdown");
  var error = document.getElementById("qr-error");
  var left = parseInt(stage.getAttribute("data-refresh-in"), 10) || 30;

  var refresh = function () {
    fetch(stage.getAttribute("data-code-url"), {
      headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (code) {
      image.src = code.image;
      link.href = code.url;
      link.textContent = code.url;
      left = code.refresh_in;
      document.getElementById("qr-attended").textContent = code.attended;
      document.getElementById("qr-expected").textContent = code.expected;
      error.classList.add("d-none");
    }).catch(function () {
      error.classList.remove("d-none");
      left = 3;
    });
  };

  window.setInterval(function () {
    left -= 1;
    if (left <= 0) { left = 30; refresh(); }
    countdown.textContent = "(" + left + ")";
  }, 1000);

  var full = document.getElementById("qr-fullscreen");
  full.addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); } else if (stage.requestFullscreen) { stage.requestFullscreen(); }
  });
})();
