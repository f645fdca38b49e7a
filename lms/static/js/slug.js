// Course form: propose a slug from the title while the slug field is left empty.
(function () {
  "use strict";
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  if (!title || !slug) { return; }
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  }
  var touched = slug.value !== "";
  slug.addEventListener("input", function () { touched = slug.value !== ""; });
  title.addEventListener("input", function () {
    if (!touched) { slug.placeholder = slugify(title.value); }
  });
  slug.addEventListener("focus", function () {
    if (!touched && slug.placeholder) { slug.value = slug.placeholder; touched = true; }
  });
})();
