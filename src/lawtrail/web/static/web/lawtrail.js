/* Behaviour that pages declare with data attributes (no inline handlers: the
   Content-Security-Policy allows scripts from our own origin only). */
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
});
