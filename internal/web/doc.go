// Package web is Parley's HTML interface: server-rendered pages from
// html/template with embedded assets, enhanced by an embedded htmx.
//
// Invariants:
//   - Every form works without JavaScript; htmx only boosts links and forms.
//   - No inline script or style anywhere, so the Content-Security-Policy can
//     forbid both.
//   - Handlers are thin: parse the form, call one service method, render.
//     Every permission is decided by the domain packages, never here.
//   - Templates are parsed at start-up (a broken one fails the start) and
//     pages render into a buffer before anything is written.
//   - The session cookie is HttpOnly and SameSite=Lax; cross-origin posts
//     are refused by the server's CrossOriginProtection.
package web
