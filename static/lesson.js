// Study time is counted by the server from these beats: one every 15 s while the lesson is on
// screen. A page in the background (another app, a locked phone) sends nothing, so it earns nothing.
(function () {
  var page = document.querySelector("[data-beat-url]");
  if (!page) return;
  var url = page.getAttribute("data-beat-url");
  var token = page.getAttribute("data-csrf");
  var shown = page.querySelector("[data-seconds]");
  function beat() {
    if (document.visibilityState !== "visible") return;
    var body = new FormData();
    body.append("csrf_token", token);
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !shown) return;
        shown.textContent = data.minutes;
        if (data.completed) {
          var done = page.querySelector("[data-done]");
          if (done) done.hidden = false;
        }
      })
      .catch(function () {});
  }
  setInterval(beat, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      // Back on screen: the time away is not counted (the server caps each beat).
      beat();
    }
  });
})();
