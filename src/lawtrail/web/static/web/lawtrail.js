/* Behaviour that pages declare with data attributes (no inline handlers: the
   Content-Security-Policy allows scripts from our own origin only). */
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
});

/* On a phone the navigation is a menu behind one button (CSS shows it whole when scripts are off). */
document.documentElement.classList.add("js");
document.addEventListener("click", function (e) {
  var btn = e.target.closest ? e.target.closest(".lt-menu-btn") : null;
  if (!btn) return;
  var header = btn.closest(".lt-header");
  var open = header.classList.toggle("lt-nav-open");
  btn.setAttribute("aria-expanded", open ? "true" : "false");
});

/* select[data-picker]: a searchable picker of people (tom-select, served from our own origin). */
function ltPickers(root) {
  if (!window.TomSelect || !root.querySelectorAll) return;
  var found = root.matches && root.matches("select[data-picker]") ? [root] : [];
  found = found.concat(Array.prototype.slice.call(root.querySelectorAll("select[data-picker]")));
  found.forEach(function (el) {
    if (el.tomselect) return;
    var multi = el.multiple;
    /* tom-select moves the <label for> to its own input: the original (hidden) select keeps the
       label's words as its accessible name */
    var label = el.id ? document.querySelector("label[for='" + el.id + "']") : null;
    if (label && !el.getAttribute("aria-label")) el.setAttribute("aria-label", label.textContent.trim());
    new window.TomSelect(el, {
      plugins: multi ? ["remove_button"] : [],
      maxOptions: null,
      allowEmptyOption: !multi,
      placeholder: el.getAttribute("data-placeholder") || "",
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = el.getAttribute("data-empty") || "没有符合条件的人员";
          return div;
        },
      },
      onItemAdd: function () {
        if (multi) {
          this.setTextboxValue("");
          this.refreshOptions(false);
        }
      },
    });
  });
  ltOfficerScope(root);
}

/* 登记线索: the co-officer picker offers only officers whose credential covers the chosen
   执法领域 and 违法行为发生地 (the form's data-officer-scope lists each officer's credentials). */
function ltOfficerScope(root) {
  var holder = root.querySelector ? root.querySelector("[data-officer-scope]") : null;
  if (!holder) return;
  var scope = JSON.parse(holder.getAttribute("data-officer-scope"));
  var sel = document.querySelector("select[name=officer_ids]");
  var dom = document.getElementById("id_domain");
  var reg = document.getElementById("id_region");
  if (!sel || !sel.tomselect) return;
  var ts = sel.tomselect;
  var all = {};
  Object.keys(ts.options).forEach(function (k) { all[k] = ts.options[k]; });
  function apply() {
    var d = dom ? dom.value : "";
    var path = reg ? scope.regions[reg.value] || "" : "";
    Object.keys(all).forEach(function (uid) {
      var ok = (scope.officers[uid] || []).some(function (c) {
        return (!d || String(c[0]) === d) && (!path || path.indexOf(c[1]) === 0);
      });
      if (ok && !ts.options[uid]) ts.addOption(all[uid]);
      if (!ok && ts.options[uid]) {
        ts.removeItem(uid, true);
        ts.removeOption(uid, true);
      }
    });
    ts.refreshOptions(false);
    ts.close();
  }
  if (dom) dom.addEventListener("change", apply);
  if (reg) reg.addEventListener("change", apply);
  apply();
}

/* Feedback while a request runs: the submit button is disabled and says so; the page shows a
   thin progress bar. A plain (non-htmx) form disables its button once it is sent. */
document.addEventListener("htmx:beforeRequest", function (e) {
  var form = e.detail.elt && e.detail.elt.closest ? e.detail.elt.closest("form") : null;
  document.documentElement.classList.add("lt-busy");
  if (form) form.querySelectorAll("button[type=submit],button:not([type])").forEach(function (b) {
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
  });
});
document.addEventListener("htmx:afterRequest", function (e) {
  var form = e.detail.elt && e.detail.elt.closest ? e.detail.elt.closest("form") : null;
  document.documentElement.classList.remove("lt-busy");
  if (form) form.querySelectorAll("button[aria-busy]").forEach(function (b) {
    b.disabled = false;
    b.removeAttribute("aria-busy");
  });
});
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
  if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
    e.preventDefault();
    return;
  }
  document.documentElement.classList.add("lt-busy");
  var b = e.submitter;
  if (b) setTimeout(function () { b.disabled = true; }, 0);
});
/* An irreversible step (data-confirm on the htmx form) asks first. */
document.addEventListener("htmx:confirm", function (e) {
  var form = e.detail.elt && e.detail.elt.closest ? e.detail.elt.closest("form[data-confirm]") : null;
  if (!form) return;
  e.preventDefault();
  if (window.confirm(form.getAttribute("data-confirm"))) e.detail.issueRequest(true);
});
/* A refusal swapped in by htmx is scrolled into view (it replaces the previous one, being inside the form). */
document.addEventListener("htmx:afterSettle", function (e) {
  var alert = e.detail.elt && e.detail.elt.querySelector ? e.detail.elt.querySelector("[role=alert]") : null;
  if (alert) {
    alert.setAttribute("tabindex", "-1");
    alert.scrollIntoView({ block: "center" });
    alert.focus({ preventScroll: true });
  }
});

/* A link to a place on the page (a refusal's "添加协办人员") opens the closed sections around it,
   scrolls there and puts the cursor in its first field. A fix whose place is not on this page is hidden. */
function ltReveal(id) {
  var el = id && document.getElementById(id);
  if (!el) return false;
  for (var d = el.closest("details"); d; d = d.parentElement ? d.parentElement.closest("details") : null) d.open = true;
  if (el.tagName === "DETAILS") el.open = true;
  el.scrollIntoView({ block: "start" });
  var scope = el.tagName === "SPAN" ? el.parentElement : el;
  var field = scope.querySelector(".ts-control input, input:not([type=hidden]), select, textarea");
  if (field) field.focus({ preventScroll: true });
  return true;
}
document.addEventListener("click", function (e) {
  var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
  if (!a || a.getAttribute("href").length < 2) return;
  if (ltReveal(a.getAttribute("href").slice(1))) e.preventDefault();
});
function ltFixLinks(root) {
  if (!root.querySelectorAll) return;
  root.querySelectorAll("a.lt-refusal-fix[href^='#']").forEach(function (a) {
    if (!document.getElementById(a.getAttribute("href").slice(1))) a.hidden = true;
  });
}

/* A table wider than the screen scrolls sideways inside its box (.lt-scroll): the box takes the
   keyboard focus so it can be scrolled without a mouse, and says what it is. */
function ltScrollRegions(root) {
  if (!root.querySelectorAll) return;
  var boxes = Array.prototype.slice.call(root.querySelectorAll(".lt-scroll"));
  if (root.classList && root.classList.contains("lt-scroll")) boxes.push(root);
  boxes.forEach(function (box) {
    if (box.hasAttribute("tabindex")) return;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    var heading = box.previousElementSibling;
    var name = heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent.trim() : "";
    box.setAttribute("aria-label", name ? name + "（表格，可左右滚动）" : "表格（可左右滚动）");
  });
}

/* input[data-date] / input[data-datetime]: a date typed and shown as 年-月-日 (时:分) whatever the
   browser's language (a native date input prints mm/dd/yyyy in an English browser). What is typed
   another usual way (2026/9/1, 2026年9月1日, 20260901) is written back as 2026-09-01; the button
   beside it opens the browser's calendar (a native input kept out of sight) and writes the day chosen. */
function ltPad(n) { return (String(n).length < 2 ? "0" : "") + n; }
function ltNormDate(v) {
  var t = (v || "").trim();
  var m = t.match(/^(\d{4})\s*[-\/.年]\s*(\d{1,2})\s*[-\/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})分?)?$/) ||
    t.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return v;
  var out = m[1] + "-" + ltPad(m[2]) + "-" + ltPad(m[3]);
  if (m[4] !== undefined) out += " " + ltPad(m[4]) + ":" + ltPad(m[5]);
  return out;
}
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.matches && el.matches("input[data-date],input[data-datetime]")) el.value = ltNormDate(el.value);
}, true);
function ltDateFields(root) {
  if (!root.querySelectorAll) return;
  root.querySelectorAll("input[data-date],input[data-datetime]").forEach(function (el) {
    if (el.hasAttribute("data-calendar")) return;
    el.setAttribute("data-calendar", "");
    var withTime = el.hasAttribute("data-datetime");
    var native = document.createElement("input");
    native.type = withTime ? "datetime-local" : "date";
    if (native.type === "text") return; // no calendar in this browser: typing is the way
    native.className = "lt-cal-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    native.setAttribute("aria-label", withTime ? "选择日期和时间" : "选择日期");
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "lt-cal-btn";
    btn.textContent = "日历";
    var name = el.id ? document.querySelector("label[for='" + el.id + "']") : null;
    btn.setAttribute("aria-label", (name ? name.textContent.trim() + "：" : "") + "从日历中选择");
    var wrap = document.createElement("span");
    wrap.className = "lt-date";
    el.parentNode.insertBefore(wrap, el);
    wrap.appendChild(el);
    wrap.appendChild(btn);
    wrap.appendChild(native);
    btn.addEventListener("click", function () {
      var v = ltNormDate(el.value);
      native.value = withTime ? v.replace(" ", "T") : v;
      if (native.showPicker) {
        try { native.showPicker(); return; } catch (err) { /* not allowed here: fall through */ }
      }
      native.focus();
      native.click();
    });
    native.addEventListener("change", function () {
      if (!native.value) return;
      el.value = withTime ? native.value.replace("T", " ").slice(0, 16) : native.value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
      el.focus();
    });
  });
}

if (window.htmx) {
  window.htmx.onLoad(ltDateFields);
  window.htmx.onLoad(ltPickers);
  window.htmx.onLoad(ltFixLinks);
  window.htmx.onLoad(ltScrollRegions);
}
else document.addEventListener("DOMContentLoaded", function () {
  ltDateFields(document.body);
  ltPickers(document.body);
  ltFixLinks(document.body);
  ltScrollRegions(document.body);
});

/* Arriving at a place of this page from another one (a refusal's fix link on an action's own
   page leads to the case page's form): it is opened as the same link on this page would. */
(function () {
  function reveal() {
    if (window.location.hash.length > 1) ltReveal(decodeURIComponent(window.location.hash.slice(1)));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
  else reveal();
})();

/* Charts follow the width of the page (a phone turned, a window resized). */
(function () {
  var pending = null;
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    clearTimeout(pending);
    pending = setTimeout(function () {
      document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
        var chart = window.echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    }, 100);
  });
})();
