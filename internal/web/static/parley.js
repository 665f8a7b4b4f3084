// Parley's own script: small enhancements only; every form works without it.
function parleyEnhance(root) {
  // Select a freshly created secret so that it is easy to copy.
  var secret = root.querySelector("#new-token");
  if (secret && window.getSelection) {
    var range = document.createRange();
    range.selectNodeContents(secret);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Times are written in UTC and in the zone they were meant in; add the
  // reader's own.
  root.querySelectorAll("time.local[datetime]").forEach(function (t) {
    if (t.dataset.done) {
      return;
    }
    t.dataset.done = "1";
    var d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) {
      return;
    }
    var mine = document.createElement("span");
    mine.className = "hint";
    mine.textContent = " (your time: " + d.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "long"}) + ")";
    t.after(mine);
  });
  // Offer the reader's zone where a zone is asked for and none is given.
  root.querySelectorAll("input[data-default-zone]").forEach(function (i) {
    if (!i.value && zone) {
      i.value = zone;
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { parleyEnhance(document); });
document.addEventListener("htmx:load", function (e) { parleyEnhance(e.target); });
