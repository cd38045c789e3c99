// ActionGuard review page: live updates. Listens to the server's change events and refreshes the page's main content
// in place when an approval is created or changes, unless the reviewer is typing in a form. Served from the server's
// own origin; no other script runs on the page.
(function () {
  "use strict";
  var stream = document.body && document.body.getAttribute("data-events");
  if (!stream || typeof EventSource === "undefined") {
    return;
  }

  var busy = false;
  var wanted = false;

  function typing() {
    var active = document.activeElement;
    return !!active && active.closest("form") !== null && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function refresh() {
    if (busy || typing()) {
      wanted = true;
      return;
    }

    busy = true;
    wanted = false;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }

        var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var current = document.querySelector("main");
        if (next && current) {
          current.replaceWith(next);
          document.documentElement.setAttribute("data-refreshed", String(Date.now()));
        }
      })
      .catch(function () { })
      .finally(function () {
        busy = false;
        if (wanted) {
          refresh();
        }
      });
  }

  document.addEventListener("focusout", function () {
    if (wanted) {
      setTimeout(refresh, 0);
    }
  });

  new EventSource(stream).addEventListener("changed", refresh);
})();
