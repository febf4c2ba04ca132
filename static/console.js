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
