// Check-in page: when the venue has a geofence, read the phone's position once and send it with
// the form. Inside WeCom the JS-SDK answers in GCJ-02, the datum venues are kept in; a browser's
// own geolocation answers in WGS-84, which the server converts before comparing. The server
// only compares the position with the venue and keeps pass/fail.
(function () {
  var form = document.getElementById("checkin");
  if (!form || form.dataset.locate !== "yes") return;
  var note = document.getElementById("locating");

  function found(lat, lng, datum) {
    form.elements.lat.value = Number(lat).toFixed(6);
    form.elements.lng.value = Number(lng).toFixed(6);
    form.elements.datum.value = datum;
    if (note) note.textContent = "已获取位置，请点击确认签到。";
  }
  function failed() {
    if (note) note.textContent = "未能获取位置：请在企业微信中允许定位后刷新本页。";
  }
  function viaBrowser() {
    if (!navigator.geolocation) return failed();
    navigator.geolocation.getCurrentPosition(function (position) {
      found(position.coords.latitude, position.coords.longitude, "wgs84");
    }, failed, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  if (note) note.textContent = "正在获取位置……";
  var wecom = window.dangjianWeCom;
  if (!wecom) return viaBrowser();
  wecom.ready()
    .then(function () { return window.ww.getLocation({ type: "gcj02" }); })
    .then(function (res) { found(res.latitude, res.longitude, "gcj02"); }, viaBrowser);
})();
