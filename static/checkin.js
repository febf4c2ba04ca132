// Check-in page: when the venue has a geofence, read the phone's position once and send it
// with the form. The server only compares it with the venue and keeps pass/fail.
(function () {
  var form = document.getElementById("checkin");
  if (!form || form.dataset.locate !== "yes" || !navigator.geolocation) return;
  var note = document.getElementById("locating");
  navigator.geolocation.getCurrentPosition(function (position) {
    form.elements.lat.value = position.coords.latitude.toFixed(6);
    form.elements.lng.value = position.coords.longitude.toFixed(6);
    if (note) note.textContent = "已获取位置，请点击确认签到。";
  }, function () {
    if (note) note.textContent = "未能获取位置：请在企业微信中允许定位后刷新本页。";
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
