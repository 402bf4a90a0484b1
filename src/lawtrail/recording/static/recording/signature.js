// 笔录签名: a signature pad per signer — pointer events (finger, stylus, mouse) draw on the
// <canvas>; on submit the drawing goes with the form as a PNG data URL. A blank pad is not sent.
(function () {
  "use strict";
  document.querySelectorAll("form.sig-form").forEach(function (form) {
    var canvas = form.querySelector("canvas.sig-pad");
    var ctx = canvas.getContext("2d");
    var drawing = false, inked = false, last = null;
    ctx.lineWidth = 4;
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
      inked = true;
      ev.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    form.querySelector(".sig-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
    });
    form.addEventListener("submit", function (ev) {
      if (!inked) {
        ev.preventDefault();
        canvas.style.borderColor = "#c0392b";
        return;
      }
      form.querySelector('input[name="png"]').value = canvas.toDataURL("image/png");
    });
  });
})();
