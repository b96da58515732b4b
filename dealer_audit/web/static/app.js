// dealer-audit browser app: small glue only. htmx does the page updates; this file configures it.
(function () {
  "use strict";
  // Show refusals (4xx) and server errors (5xx) in place: the server sends a message fragment for them.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ];
  // A failed connection (server stopped, laptop asleep) must never look like a saved answer.
  document.body.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    var lang = document.body.dataset.lang;
    var text = lang === "zh" ? "未保存：无法连接服务器" : "Not saved: the server cannot be reached";
    if (target) {
      var note = document.createElement("div");
      note.className = "message error";
      note.setAttribute("role", "alert");
      note.textContent = text;
      target.appendChild(note);
    }
  });
})();
