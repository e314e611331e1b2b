/*
 * A small stand-in for Zendesk's ZAF SDK (zaf_sdk.min.js), served to the sidebar page in tests in
 * place of the CDN script. It implements what the sidebar uses — ZAFClient.init(), client.get,
 * client.metadata, client.invoke, client.on and client.request — over the test's ZAF server
 * (test/helpers/browser.ts): the context comes from /__zaf/context, and client.request goes to
 * /__zaf/proxy, which does what Zendesk's proxy does (secure settings, JWT signing) server-side,
 * so the shared secret never reaches the page. What the page did is recorded in window.__zafStub.
 */
(function () {
  'use strict';
  var stub = (window.__zafStub = { initCount: 0, invocations: [], requests: [] });
  var context = fetch('/__zaf/context').then(function (r) {
    return r.json();
  });
  var handlers = {};

  function fire(event, data) {
    (handlers[event] || []).forEach(function (fn) {
      fn(data);
    });
  }

  var client = {
    metadata: function () {
      return context.then(function (c) {
        return { appId: 0, installationId: 1, name: 'certdesk', version: c.version, settings: c.settings };
      });
    },
    get: function (paths) {
      return context.then(function (c) {
        var out = {};
        var errors = {};
        (Array.isArray(paths) ? paths : [paths]).forEach(function (path) {
          if (path in c.properties) out[path] = c.properties[path];
          else errors[path] = { message: 'no such path: ' + path };
        });
        if (Object.keys(errors).length) out.errors = errors;
        return out;
      });
    },
    invoke: function (name) {
      stub.invocations.push({ name: name, args: Array.prototype.slice.call(arguments, 1) });
      return Promise.resolve({});
    },
    on: function (event, fn) {
      (handlers[event] = handlers[event] || []).push(fn);
    },
    request: function (options) {
      stub.requests.push({ url: options.url, type: options.type || 'GET' });
      return fetch('/__zaf/proxy', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) }).then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          if (res.ok) return options.dataType === 'text' || json === null ? text : json;
          // ZAF rejects with a jqXHR-like object.
          throw { status: res.status, statusText: res.statusText, responseText: text, responseJSON: json };
        });
      });
    },
  };

  window.ZAFClient = {
    init: function () {
      stub.initCount += 1;
      setTimeout(function () {
        void context.then(function (c) {
          fire('app.registered', { metadata: { settings: c.settings }, context: { location: 'ticket_sidebar' } });
        });
      }, 0);
      return client;
    },
  };
})();
