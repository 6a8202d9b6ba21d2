// 校地合作平台 — small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("mainnav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Filters apply as soon as a choice changes.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
    });
    // Irreversible actions ask first.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
    document.querySelectorAll("a[data-back]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
      });
    });
    // A form submits once: a double tap on a phone must not post twice. The buttons are greyed out only after
    // the browser has read the form, so that the pressed button's own name and value (e.g. 通过/不通过) go too.
    document.querySelectorAll("form[method='post']").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (form.getAttribute("data-sent")) { ev.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
        window.setTimeout(function () {
          form.querySelectorAll("button[type='submit']").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
    // The matching page hands over what is being typed (a pause of half a second) so that the model has encoded
    // it by the time 匹配 is pressed; an error here only means the match encodes it itself.
    document.querySelectorAll("textarea[data-prepare]").forEach(function (box) {
      var timer = null, sent = "";
      box.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var text = box.value.trim();
          if (text.length < 2 || text === sent) { return; }
          sent = text;
          fetch(box.getAttribute("data-prepare"), {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": box.getAttribute("data-csrf") || "" },
            body: JSON.stringify({ text: text })
          }).catch(function () { sent = ""; });
        }, 500);
      });
    });
    // A background job's progress bar (/jobs/{id}): poll its JSON every two seconds until it has ended. The
    // administrator's stop button says 停止 once the job runs; a job that ends while the page is open reloads it
    // once, so the page offers what the end allows (重新运行, the result file) and no longer a stop.
    document.querySelectorAll("[data-job-progress]").forEach(function (card) {
      var url = card.getAttribute("data-job-progress");
      var rendered = card.getAttribute("data-job-rendered");
      var ended = ["done", "failed", "cancelled"];
      function show(sel, text) { var el = card.querySelector(sel); if (el) { el.textContent = text; } }
      function poll() {
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (job) {
            if (!job) { return; }
            var bar = card.querySelector("[data-job-bar]");
            if (bar) { bar.value = job.percent; }
            show("[data-job-state]", job.state_label);
            show("[data-job-percent]", job.percent + "%");
            show("[data-job-summary]", job.summary || "");
            var err = card.querySelector("[data-job-error]");
            if (err) { err.textContent = job.error || ""; err.hidden = !job.error; }
            var dl = card.querySelector("[data-job-download]");
            if (dl) { dl.hidden = !job.output; }
            var stop = card.querySelector("[data-job-stop]");
            if (stop) { stop.textContent = stop.getAttribute(job.state === "running" ? "data-running" : "data-waiting"); }
            if (ended.indexOf(job.state) < 0) { window.setTimeout(poll, 2000); }
            else if (job.state !== rendered) { window.location.reload(); }
          })
          .catch(function () { window.setTimeout(poll, 5000); });
      }
      window.setTimeout(poll, 1000);
    });
  });
})();
