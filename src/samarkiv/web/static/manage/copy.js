/* The "copy" button next to a secret shown once (a new API token or password).
   Without JavaScript the button stays hidden and the text field can be copied by hand. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var done = button.parentElement.querySelector("[data-copied]");
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (done) { done.hidden = false; }
      });
    });
  });
  var secret = document.querySelector("input.secret");
  if (secret) { secret.addEventListener("focus", function () { secret.select(); }); }
}());
