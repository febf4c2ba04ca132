// The room screen: fetch the next QR code when the current one expires (every 30 s) and
// keep the count of who has checked in up to date. Without scripts, the page still works
// once (the host reloads it).
(function () {
  var screen = document.getElementById("qr-screen");
  if (!screen || !window.fetch) return;
  function apply(data) {
    document.getElementById("qr").innerHTML = data.svg;
    document.getElementById("present").textContent = data.present;
    var voting = document.getElementById("voting");
    if (voting) voting.textContent = data.voting_present;
    var quorum = document.getElementById("quorum");
    if (quorum) quorum.textContent = data.quorum_reached ? "已过半数" : "未过半数";
    schedule(data.refresh_in);
  }
  function refresh() {
    fetch(screen.dataset.feed, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(apply)
      .catch(function () { schedule(5); });
  }
  function schedule(seconds) { setTimeout(refresh, Math.max(1, seconds) * 1000); }
  schedule(Number(screen.dataset.refresh) || 30);
  // The count also moves between code changes.
  setInterval(function () { fetch(screen.dataset.feed, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    document.getElementById("present").textContent = d.present; }).catch(function () {}); }, 5000);
})();
