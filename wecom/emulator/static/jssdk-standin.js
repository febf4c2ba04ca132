// The emulator's stand-in for Tencent's WeCom JS-SDK (@wecom/jssdk, the global `ww`): the same
// calls the app's pages make — ww.register, ww.getLocation, ww.scanQRCode — answered by the
// emulator, so the demo and the browser tests run the pages' own code outside WeCom's webview.
// register() checks the page's signatures with the emulator exactly as WeCom's client checks
// wx.config / wx.agentConfig (a bad signature fails the config, and every call after it).
(function () {
  var script = document.currentScript;
  var base = script.src.replace(/\/static\/emulator\/jssdk-standin\.js.*$/, "");
  var configured = null;

  function api(path, options) {
    return fetch(base + path, Object.assign({ credentials: "same-origin" }, options || {}))
      .then(function (r) { return r.json(); });
  }

  function verify(kind, data) {
    return api("/api/jssdk/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        kind: kind, url: location.href.split("#")[0],
        timestamp: String(data.timestamp), nonceStr: data.nonceStr, signature: data.signature
      })
    }).then(function (answer) {
      if (answer.errcode !== 0) throw { errMsg: kind + ":fail " + answer.errcode };
    });
  }

  function settle(promise, params) {
    params = params || {};
    return promise.then(function (res) {
      if (params.success) params.success(res);
      if (params.complete) params.complete(res);
      return res;
    }, function (err) {
      if (params.fail) params.fail(err);
      if (params.complete) params.complete(err);
      throw err;
    });
  }

  function call(name, path, params) {
    if (!configured) return settle(Promise.reject({ errMsg: name + ":fail not registered" }), params);
    return settle(configured.then(function () { return api(path); }).then(function (res) {
      if (!/:ok$/.test(res.errMsg || "")) throw res;
      return res;
    }), params);
  }

  window.ww = {
    SDK_VERSION: "emulator",
    env: { isWeCom: true, isWeChat: false },
    register: function (options) {
      var url = location.href.split("#")[0];
      configured = Promise.resolve(options.getConfigSignature(url))
        .then(function (data) { return verify("config", data); })
        .then(function () {
          return options.getAgentConfigSignature
            ? Promise.resolve(options.getAgentConfigSignature(url)).then(function (data) { return verify("agentConfig", data); })
            : null;
        });
      configured.then(function () {
        if (options.onConfigSuccess) options.onConfigSuccess({ errMsg: "config:ok" });
      }, function (err) {
        if (options.onConfigFail) options.onConfigFail(err);
      });
    },
    getLocation: function (params) {
      if (params && params.type && params.type !== "gcj02") {
        return settle(Promise.reject({ errMsg: "getLocation:fail the emulator answers gcj02 only" }), params);
      }
      return call("getLocation", "/api/jssdk/location", params);
    },
    scanQRCode: function (params) {
      // Nothing queued for this member's camera (a person trying the demo, not a test): ask
      // what the camera would read — the address under the room screen's code.
      return call("scanQRCode", "/api/jssdk/scan").catch(function (err) {
        var typed = window.prompt("模拟扫一扫：请输入会场屏幕上签到二维码中的地址");
        if (!typed) throw err;
        return { errMsg: "scanQRCode:ok", resultStr: typed };
      }).then(function (res) { return settle(Promise.resolve(res), params); },
              function (err) { return settle(Promise.reject(err), params); });
    }
  };
})();
