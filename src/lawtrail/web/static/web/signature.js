// Handwritten signature pads (当事人签名 on a document, 笔录签名 per signer): every
// <canvas data-signature-pad> in a form is a pad — pointer events (finger, stylus, mouse) draw on it;
// on submit the drawing goes with its form as a PNG data URL in the field the attribute names
// (data-signature-pad="png"; "png" when empty). A blank pad is not sent: its border turns red and
// the form's [data-signature-empty] hint shows until there is ink. [data-signature-clear] wipes the
// pad; data-signature-width sets the pen (default 4). Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-signature-pad]").forEach(function (canvas) {
    var form = canvas.closest("form");
    if (!form) return;
    var field = canvas.getAttribute("data-signature-pad") || "png";
    var hint = form.querySelector("[data-signature-empty]");
    var ctx = canvas.getContext("2d");
    var drawing = false, inked = false, last = null;
    ctx.lineWidth = parseFloat(canvas.getAttribute("data-signature-width")) || 4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    function at(ev) {
      var r = canvas.getBoundingClientRect();
      return { x: (ev.clientX - r.left) * canvas.width / r.width, y: (ev.clientY - r.top) * canvas.height / r.height };
    }
    canvas.addEventListener("pointerdown", function (ev) {
      drawing = true;
      last = at(ev);
      canvas.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!drawing) return;
      var p = at(ev);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      if (!inked) {  // the "sign first" warning goes once there is ink
        inked = true;
        canvas.style.borderColor = "";
        if (hint) hint.hidden = true;
      }
      ev.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        inked = false;
      });
    }
    form.addEventListener("submit", function (ev) {
      if (!inked) {
        ev.preventDefault();
        canvas.style.borderColor = "#c0392b";
        if (hint) hint.hidden = false;
        return;
      }
      form.querySelector('input[name="' + field + '"]').value = canvas.toDataURL("image/png");
    });
  });
})();
