// The console's few behaviours, from this file because the CSP allows no inline script:
// a "select all" box ticks every box of the list it names (data-check-all="member_ids").
(function () {
  document.querySelectorAll("[data-check-all]").forEach(function (all) {
    var name = all.getAttribute("data-check-all");
    all.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
})();

// A panel that follows live counts (a notice's reach while acknowledgements come in):
// data-poll="/url" is fetched every 5 s and each [data-field=name] inside shows that value.
(function () {
  document.querySelectorAll("[data-poll]").forEach(function (panel) {
    var url = panel.getAttribute("data-poll");
    setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          panel.querySelectorAll("[data-field]").forEach(function (field) {
            var value = data[field.getAttribute("data-field")];
            if (value !== undefined) field.textContent = value;
          });
        })
        .catch(function () {});
    }, 5000);
  });
})();
