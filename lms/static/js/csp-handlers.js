// Binds the handlers Flask-Admin writes as inline onclick attributes, which a nonce-based
// Content-Security-Policy blocks. Our template overrides put data attributes there instead.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm], [data-action], [data-inline-add], a[data-no-nav]");
    if (!target) { return; }
    if (target.hasAttribute("data-confirm")) {
      if (!window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
      return;
    }
    if (target.hasAttribute("data-action")) {
      event.preventDefault();
      window.modelActions.execute(target.getAttribute("data-action"));
      return;
    }
    if (target.hasAttribute("data-inline-add")) {
      event.preventDefault();
      window.faForm.addInlineField(target, target.getAttribute("data-inline-add"));
      return;
    }
    event.preventDefault();  // a[data-no-nav]: a menu toggle, not a link
  });
})();
