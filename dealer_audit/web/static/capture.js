// dealer-audit capture pages: keyboard shortcuts like the terminal wizard's, photos by drag-and-drop and paste,
// and failures shown on the item they belong to. Every save is still a plain htmx request; this file only helps.
(function () {
  "use strict";
  var zh = document.body.dataset.lang === "zh";
  var words = {
    offline: zh ? "未保存：无法连接服务器，请检查后重试" : "Not saved: the server cannot be reached; try again",
    tooLarge: zh ? "未保存：文件过大（上限 {mb} MB）" : "Not saved: the file is too large (limit {mb} MB)",
    notImage: zh ? "未保存：只能添加照片（JPEG、PNG、GIF、WebP）" : "Not saved: only photos (JPEG, PNG, GIF, WebP) can be added",
  };
  htmx.config.defaultSettleDelay = 0; // a re-rendered section takes input at once (no transition to wait for)
  var pendingFocus = null; // the item answered from the keyboard: focus moves on to the next one after the swap

  function itemOf(node) {
    return node && node.closest ? node.closest("form.item") : null;
  }
  function activeItem() {
    return itemOf(document.activeElement);
  }
  function showOnItem(item, text) {
    if (!item) return;
    var old = item.querySelector(".client-message");
    if (old) old.remove();
    var note = document.createElement("div");
    note.className = "message error small client-message";
    note.setAttribute("role", "alert");
    note.textContent = text;
    var state = item.querySelector(".item-state");
    if (state) state.innerHTML = '<span class="state-refused">✗ ' + (zh ? "未保存" : "Not saved") + "</span>";
    item.querySelector(".item-body").after(note);
  }
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#section form.item"));
  }
  function focusSibling(item, step) {
    var all = items();
    var index = all.indexOf(item);
    var target = all[Math.min(all.length - 1, Math.max(0, index + step))];
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "nearest" });
    }
  }

  // -- keyboard: y / n / a, 1-9 for options, arrows (or j / k) between items --------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var item = activeItem();
    if (!item && (event.key === "ArrowDown" || event.key === "j")) {
      var first = items()[0];
      if (first) { first.focus(); event.preventDefault(); }
      return;
    }
    if (!item) return;
    var key = event.key.toLowerCase();
    if (key === "arrowdown" || key === "j") { focusSibling(item, 1); event.preventDefault(); return; }
    if (key === "arrowup" || key === "k") { focusSibling(item, -1); event.preventDefault(); return; }
    var control = item.querySelector('[data-key="' + key + '"]:not(:disabled)');
    if (!control) return;
    event.preventDefault();
    if (control.type !== "checkbox") pendingFocus = item.id;
    control.click();
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pendingFocus) return;
    var answered = document.getElementById(pendingFocus);
    pendingFocus = null;
    if (!answered) return;
    if (answered.classList.contains("refused") || answered.classList.contains("needs")) { answered.focus(); return; }
    focusSibling(answered, 1);
  });

  // -- photos: file picker, drag-and-drop, paste; too-large or non-photo files never leave the browser ------
  function sendFiles(item, files) {
    var input = item && item.querySelector('input[type="file"]:not(:disabled)');
    if (!input || !files || !files.length) return;
    var transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files || !input.files.length) return;
    var file = input.files[0];
    var limit = parseInt(input.dataset.maxBytes || "0", 10);
    var problem = null;
    if (limit && file.size > limit) problem = words.tooLarge.replace("{mb}", String(Math.floor(limit / 1048576)));
    else if (file.type && file.type.indexOf("image/") !== 0) problem = words.notImage;
    if (problem) {
      event.stopPropagation(); // capture phase: htmx never sees the change, nothing is sent
      input.value = "";
      showOnItem(itemOf(input), problem);
    }
  }, true);
  document.addEventListener("dragover", function (event) {
    var item = itemOf(event.target);
    if (item && !item.querySelector('input[type="file"]:disabled')) {
      event.preventDefault();
      item.classList.add("dragging");
    }
  });
  document.addEventListener("dragleave", function (event) {
    var item = itemOf(event.target);
    if (item) item.classList.remove("dragging");
  });
  document.addEventListener("drop", function (event) {
    var item = itemOf(event.target);
    if (!item) return;
    event.preventDefault();
    item.classList.remove("dragging");
    sendFiles(item, event.dataTransfer && event.dataTransfer.files);
  });
  document.addEventListener("paste", function (event) {
    var files = event.clipboardData && event.clipboardData.files;
    if (!files || !files.length) return;
    var item = activeItem();
    if (!item) return;
    event.preventDefault();
    sendFiles(item, files);
  });

  // -- failures belong to their item ---------------------------------------------------------------------
  document.body.addEventListener("htmx:sendError", function (event) {
    var item = itemOf(event.detail.elt);
    if (!item) return;
    event.stopPropagation();
    showOnItem(item, words.offline);
  }, true);
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var item = itemOf(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!item || xhr.status < 400) return;
    if (xhr.responseText.indexOf('id="section"') !== -1) return; // a refusal shown inside the re-rendered section
    event.detail.shouldSwap = false;
    var holder = document.createElement("div");
    holder.innerHTML = xhr.responseText;
    var text = holder.querySelector("[data-testid=error] p");
    showOnItem(item, text ? text.textContent : words.offline);
  });
  document.addEventListener("submit", function (event) {
    if (itemOf(event.target) === event.target) event.preventDefault(); // Enter in a field saves via change, not submit
  });

  // Opened at #item-X (resume, "missing" links): focus that item.
  var target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.classList.contains("item")) target.focus();
})();
