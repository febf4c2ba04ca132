// The emulator's chat page: filter the staff list; refresh the chat while nobody is typing.
(function () {
  var filter = document.getElementById("staff-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll("#staff-list li").forEach(function (li) {
        li.hidden = q && li.dataset.search.toLowerCase().indexOf(q) < 0;
      });
    });
  }
  var timeline = document.getElementById("timeline");
  if (!timeline) return;
  timeline.scrollTop = timeline.scrollHeight;
  var last = timeline.innerHTML;
  setInterval(function () {
    var active = document.activeElement;
    if (active && timeline.contains(active)) return; // choosing a vote option
    fetch(timeline.dataset.feed, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html && html !== last) {
          last = html;
          timeline.innerHTML = html;
          timeline.scrollTop = timeline.scrollHeight;
        }
      })
      .catch(function () {});
  }, 2000);
})();

// The chosen person stays in sight in a long staff list.
(function () {
  var current = document.querySelector(".staff a.current");
  if (current) current.scrollIntoView({ block: "center" });
})();
