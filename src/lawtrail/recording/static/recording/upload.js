// 证据文件上传: every chosen file gets its own progress bar; they are sent one after another
// (a phone's uplink is shared anyway, and a file is stored whole or not at all); the page
// reloads when all are done. Without JavaScript the form posts all files at once.
(function () {
  "use strict";
  var form = document.getElementById("evidence-upload-form");
  if (!form) return;
  // G118-8: "上传本次执法的录音录像" under a refused step opens this form with that step chosen
  function openUpload(action) {
    var box = document.getElementById("evidence-upload");
    if (box) box.open = true;
    var select = document.getElementById("evidence-upload-step");
    if (select && action && select.querySelector('option[value="' + action + '"]')) select.value = action;
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest('a.lt-refusal-fix[href="#evidence-upload"]');
    if (!link) return;
    var act = link.closest("[data-action]");
    openUpload(act ? act.getAttribute("data-action") : "");
  });
  // the same link on an action's own page leads here with the step named: ?step=measure_take#evidence-upload
  if (window.location.hash === "#evidence-upload") {
    var named = window.URLSearchParams ? new URLSearchParams(window.location.search).get("step") : "";
    openUpload(named || "");
  }
  form.addEventListener("submit", function (ev) {
    var files = [];
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { files.push(f); });
    });
    if (!files.length || !window.XMLHttpRequest || !window.FormData) return;
    ev.preventDefault();
    var list = document.getElementById("evidence-upload-progress");
    var button = document.getElementById("evidence-upload-submit");
    button.disabled = true;
    list.textContent = "";
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    var failed = 0, queue = [];
    files.forEach(function (file) {
      var li = document.createElement("li");
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      var label = document.createElement("span");
      label.textContent = " " + file.name + " ";
      var status = document.createElement("span");
      status.className = "muted";
      li.appendChild(label); li.appendChild(bar); li.appendChild(status);
      list.appendChild(li);
      var data = new FormData();
      ["evidence_id", "step", "device_id", "captured_at", "place", "note"].forEach(function (name) {
        var el = form.elements[name];
        if (el && el.value) data.append(name, el.value);
      });
      if (file.lastModified) data.append("last_modified", String(file.lastModified));
      data.append("file", file, file.name);
      queue.push(function () { send(file, data, bar, status); });
    });
    next();

    function next() {
      var job = queue.shift();
      if (job) { job(); return; }
      button.disabled = false;
      if (!failed) window.location.reload();
    }

    function send(file, data, bar, status) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.api);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          bar.value = 100; status.textContent = " 已上传";
        } else {
          failed += 1;
          var msg = "上传失败";
          try { msg = JSON.parse(xhr.responseText).message || msg; } catch (e) { /* not JSON */ }
          status.textContent = " " + msg; status.className = "err";
        }
        next();
      };
      xhr.onerror = function () { failed += 1; status.textContent = " 网络中断，请重试"; status.className = "err"; next(); };
      xhr.send(data);
    }
  });
})();
