// The pages' one door to WeCom's JS-SDK (`ww`, vendored from @wecom/jssdk, or the emulator's
// stand-in in the demo): register once with the signatures the server makes for this page, then
// call what the page needs. Outside WeCom (a desktop browser) `ready` rejects and the page
// falls back to what a browser offers.
(function () {
  var script = document.currentScript;
  var registered = null;

  function signer(kind) {
    return function (url) {
      return fetch("/m/jssdk-config?url=" + encodeURIComponent(url), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("jssdk-config " + r.status); return r.json(); })
        .then(function (signed) {
          var s = signed[kind];
          return { timestamp: s.timestamp, nonceStr: s.nonceStr, signature: s.signature };
        });
    };
  }

  window.dangjianWeCom = {
    ready: function () {
      if (!window.ww || !window.ww.env || !window.ww.env.isWeCom) return Promise.reject(new Error("not in WeCom"));
      if (!registered) {
        registered = new Promise(function (resolve, reject) {
          window.ww.register({
            corpId: script.dataset.corp,
            agentId: script.dataset.agent,
            jsApiList: ["getLocation", "scanQRCode"],
            getConfigSignature: signer("config"),
            getAgentConfigSignature: signer("agentConfig"),
            onConfigSuccess: resolve,
            onConfigFail: reject
          });
        });
      }
      return registered;
    }
  };
})();
