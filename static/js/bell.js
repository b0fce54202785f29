// The bell in the top bar asks for its unread count every few seconds (hx-trigger "every Ns"
// in base.html, LIANFANG_BELL_POLL_SECONDS). This pauses the polling while the tab is hidden,
// catches up as soon as it shows again, and keeps the bell as it is when the answer is not the
// bell (a session that ended answers with the sign-in page after a redirect).
(function () {
  "use strict";

  function isBell(el) {
    return Boolean(el && el.hasAttribute && el.hasAttribute("data-bell"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isBell(event.detail.elt) && document.visibilityState === "hidden") {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isBell(event.detail.elt)) {
      return;
    }
    var xhr = event.detail.xhr;
    var path = event.detail.elt.getAttribute("hx-get") || "";
    var answered = xhr && xhr.responseURL ? new URL(xhr.responseURL).pathname : "";
    if (!xhr || xhr.status !== 200 || answered !== path) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !window.htmx) {
      return;
    }
    document.querySelectorAll("[data-bell]").forEach(function (el) {
      window.htmx.trigger(el, "bell-refresh");
    });
  });
})();
