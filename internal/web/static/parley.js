// Parley's own script: small enhancements only; every form works without it.
document.addEventListener("DOMContentLoaded", function () {
  // Select a freshly created secret so that it is easy to copy.
  var secret = document.getElementById("new-token");
  if (secret && window.getSelection) {
    var range = document.createRange();
    range.selectNodeContents(secret);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
});
