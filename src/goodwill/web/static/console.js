// Goodwill console: the little behaviour HTMX does not cover. No inline scripts (the CSP forbids them).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (button) button.parentElement.remove();
});
// Clear the alert area when a new request starts, so an old message never sits beside a new result.
document.addEventListener("htmx:beforeRequest", () => {
  const alerts = document.getElementById("alerts");
  if (alerts) alerts.replaceChildren();
});
