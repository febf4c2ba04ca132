// A venue's centre picked on the campus's offline map: the image's edges are GCJ-02 lines the
// office typed (north/south latitude, west/east longitude), so a click maps linearly onto them.
// At a campus's size the map projection's curvature is far below a metre.
(function () {
  var map = document.getElementById("campus-map");
  if (!map) return;
  var form = map.closest("form");
  var pin = document.getElementById("map-pin");
  var north = parseFloat(map.dataset.north), south = parseFloat(map.dataset.south);
  var west = parseFloat(map.dataset.west), east = parseFloat(map.dataset.east);

  function place(lat, lng) {
    if (isNaN(lat) || isNaN(lng) || lat > north || lat < south || lng < west || lng > east) {
      pin.hidden = true;
      return;
    }
    pin.hidden = false;
    pin.style.left = ((lng - west) / (east - west) * map.clientWidth) + "px";
    pin.style.top = ((north - lat) / (north - south) * map.clientHeight) + "px";
  }

  map.addEventListener("click", function (event) {
    var box = map.getBoundingClientRect();
    var lat = north - (event.clientY - box.top) / box.height * (north - south);
    var lng = west + (event.clientX - box.left) / box.width * (east - west);
    form.querySelector("[data-map-lat]").value = lat.toFixed(6);
    form.querySelector("[data-map-lng]").value = lng.toFixed(6);
    place(lat, lng);
  });
  function fromInputs() {
    place(parseFloat(form.querySelector("[data-map-lat]").value), parseFloat(form.querySelector("[data-map-lng]").value));
  }
  if (map.complete) fromInputs(); else map.addEventListener("load", fromInputs);
})();
