/* Progressive enhancement only: the page works without it. Native share
   where the browser has the Web Share API; copy-link with the clipboard. */
(function () {
  "use strict";
  var native = document.querySelector(".share-native");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: native.dataset.title, url: native.dataset.url })
        .catch(function () {});
    });
  }
  var copy = document.querySelector(".share-copy");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        copy.textContent = "Link copied";
      }, function () {});
    });
  }
})();
