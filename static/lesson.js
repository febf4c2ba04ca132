// Study time is counted by the server from these beats: one every 15 s while the lesson is on
// screen. A page in the background (another app, a locked phone) sends nothing, so it earns
// nothing. For video and audio the page also says how many of those seconds the player was
// actually playing: the server counts the smaller of that and the time that really passed.
(function () {
  var page = document.querySelector("[data-beat-url]");
  if (!page) return;
  var url = page.getAttribute("data-beat-url");
  var token = page.getAttribute("data-csrf");
  var every = parseInt(page.getAttribute("data-beat-seconds") || "15", 10) * 1000;
  var shown = page.querySelector("[data-seconds]");
  var player = page.querySelector("[data-player]");
  var playedMs = 0;
  var tick = 1000;
  if (player) {
    setInterval(function () {
      if (!player.paused && !player.ended && document.visibilityState === "visible") playedMs += tick;
    }, tick);
  }
  function beat() {
    if (document.visibilityState !== "visible") return;
    var body = new FormData();
    body.append("csrf_token", token);
    if (player) {
      body.append("counted", String(Math.floor(playedMs / 1000)));
      playedMs = 0;
    }
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
  setInterval(beat, every);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      // Back on screen: the time away is not counted (the server caps each beat).
      beat();
    }
  });
})();
