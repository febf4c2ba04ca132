// 扫一扫签到 on a meeting's page: WeCom's scanQRCode reads the room screen's rotating code and the
// page opens what it names — only this app's own check-in address, anything else is refused.
(function () {
  var button = document.getElementById("scan-checkin");
  var wecom = window.dangjianWeCom;
  if (!button || !wecom) return;
  var note = document.getElementById("scan-note");
  var prefix = location.origin + "/m/checkin/";
  wecom.ready().then(function () {
    button.hidden = false;
    if (note) note.textContent = "点击下方按钮，扫描会场屏幕上的签到二维码。";
  }, function () { /* outside WeCom: scan the screen with the phone's own camera */ });
  button.addEventListener("click", function () {
    window.ww.scanQRCode({ needResult: true, scanType: ["qrCode"] }).then(function (res) {
      var code = res.resultStr || "";
      if (code.indexOf(prefix) === 0) {
        location.href = code;
      } else if (note) {
        note.textContent = "这不是本次会议的签到二维码，请扫描会场屏幕上的二维码。";
      }
    }, function () {
      if (note) note.textContent = "未完成扫码，可再试一次。";
    });
  });
})();
