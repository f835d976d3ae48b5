/* Autocomplete for the portal's search box: fills a <datalist> from /forslag/.
   Optional: without JavaScript the box is a plain search field. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "sok-forslag";
  input.parentNode.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) { return; }
      last = text;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (words) {
          list.textContent = "";
          words.forEach(function (word) {
            var option = document.createElement("option");
            option.value = word;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
}());
