// A chosen photo shows before it is sent, so nobody shares the wrong picture of someone's mum.
// Progressive: without this script the form sends the same photos, just without a preview.
(function () {
  "use strict";

  function show(input) {
    var form = input.form;
    var list = form && form.querySelector("[data-photo-preview]");
    if (!list) return;
    list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (!/^image\//.test(file.type)) return;
      var item = document.createElement("li");
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = list.getAttribute("data-label") + " " + file.name;
      item.appendChild(img);
      list.appendChild(item);
    });
    list.hidden = !list.children.length;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.matches && input.matches("input[type=file][name=photos]")) show(input);
  });
})();
