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
  // 已学 N 分钟 moves while the member reads: the server's count plus what this page has seen
  // since the last beat (at most one beat's worth, as the server would credit), corrected by
  // the server's own figure at every beat.
  var serverSeconds = parseInt(page.getAttribute("data-seconds-so-far") || "0", 10);
  var sinceBeat = 0;
  function counting() {
    if (document.visibilityState !== "visible") return false;
    return !player || (!player.paused && !player.ended);
  }
  setInterval(function () {
    if (player && counting()) playedMs += tick;
    if (counting() && sinceBeat < every / 1000 + 5) sinceBeat += 1;
    if (shown) shown.textContent = Math.floor((serverSeconds + sinceBeat) / 60);
  }, tick);
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
        if (!data) return;
        serverSeconds = data.seconds;
        sinceBeat = 0;
        if (shown) shown.textContent = Math.floor(serverSeconds / 60);
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
