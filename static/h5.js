// A form being sent says so: its button greys out with a spinner, so a second tap sends nothing twice.
document.addEventListener("submit", function (event) {
  var button = event.submitter || event.target.querySelector("button[type=submit], button:not([type])");
  if (!button || button.dataset.sending) return;
  button.dataset.sending = "1";
  setTimeout(function () {
    button.classList.add("weui-btn_loading");
    button.insertAdjacentHTML("afterbegin", '<i class="weui-loading"></i>');
    button.disabled = true;
  }, 0);
});

// A success shows as a toast for a moment, then settles as the notice at the top of the page.
document.querySelectorAll(".notice_toast").forEach(function (notice) {
  notice.classList.add("notice_toast-on");
  setTimeout(function () { notice.classList.remove("notice_toast-on"); }, 1800);
});
